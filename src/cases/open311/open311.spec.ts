import { UNRESTRICTED } from '../../auth/scope';
import { openTestDb, TestDb } from '../../../test/harness';
import { buildTerritory, T } from '../../../test/factories';
import { RunningServer, startServer } from '../../server';
import type { Actor } from '../../registry/person.service';

/** The Open311 GeoReport v2 facade, over HTTP as 311 clients use it. */
let db: TestDb;
let server: RunningServer;
let base: string;
const staff: Actor = { name: 'staff', scope: UNRESTRICTED };

beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
  db.services.config.OPEN311_API_KEYS = 'key-one, key-two';
  db.services.cases.scheduler = undefined;
  server = await startServer(db.services, { port: 0, host: '127.0.0.1', log: () => undefined });
  base = `http://127.0.0.1:${server.port}/open311/v2`;
});
afterAll(async () => {
  await server.close();
  await db.close();
});

const get = async (path: string) => {
  const res = await fetch(base + path);
  return { status: res.status, body: (await res.json()) as any };
};
const post = async (form: Record<string, string>) => {
  const res = await fetch(`${base}/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as any };
};
const valid = {
  api_key: 'key-two',
  service_code: 'L0201',
  lat: String(T.inA1.coordinates[1]),
  long: String(T.inA1.coordinates[0]),
  description: '楼道里有马蜂窝',
  first_name: '小明',
  last_name: '王',
  phone: '13812345678',
};

describe('Open311 GeoReport v2', () => {
  it('lists the category code list as services, and describes one', async () => {
    const list = await get('/services.json');
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(db.services.cases.categories.categories.length);
    expect(list.body).toContainEqual(
      expect.objectContaining({
        service_code: 'L0201',
        service_name: '马蜂窝',
        group: '安全隐患',
        metadata: false,
        type: 'realtime',
      }),
    );
    expect(await get('/services/L0201.json')).toEqual({
      status: 200,
      body: { service_code: 'L0201', attributes: [] },
    });
    const missing = await get('/services/NOPE.json');
    expect(missing.status).toBe(404);
    expect(missing.body[0]).toMatchObject({ code: 404, description: expect.stringContaining('NOPE') });
  });

  it('files a request only with a valid api_key, routed like any case', async () => {
    expect((await post({ ...valid, api_key: 'wrong' })).status).toBe(403);
    const { api_key: _omit, ...noKey } = valid;
    expect((await post(noKey)).status).toBe(403);
    const noPoint = await post({ ...valid, lat: '' });
    expect(noPoint.status).toBe(400);
    const badCode = await post({ ...valid, service_code: 'X1' });
    expect(badCode.status).toBe(400);
    expect(badCode.body[0].description).toMatch(/^service_code: category X1/);
    const ok = await post(valid);
    expect(ok.status).toBe(201);
    const id = Number(ok.body[0].service_request_id);
    const [c] = await db.services.cases.byIds([id], UNRESTRICTED);
    expect(c).toMatchObject({
      areaCode: T.gridA1,
      status: 'REPORTED',
      reporterName: '王小明',
      channel: 'APP',
    });
  });

  it('never shows personal data in the public request list or a request: no reporter, numbers masked', async () => {
    const id = Number(
      (
        await post({
          ...valid,
          description: '楼道里有马蜂窝，联系13912345678，身份证610902199001011234',
        })
      ).body[0].service_request_id,
    );
    const list = await get(`/requests.json?service_request_id=${id}`);
    const one = await get(`/requests/${id}.json`);
    for (const body of [list.body, one.body]) {
      expect(body).toHaveLength(1);
      expect(body[0].description).toBe('楼道里有马蜂窝，联系139****5678，身份证610902********1234');
      const text = JSON.stringify(body);
      for (const personal of ['13912345678', '610902199001011234', '13812345678', '王小明', '小明'])
        expect(text).not.toContain(personal);
    }
    const recent = await get('/requests.json');
    expect(JSON.stringify(recent.body)).not.toMatch(/1[3-9]\d{9}|王小明/);
  });

  it('follows requests: open/closed with a status note, filters, one request by id', async () => {
    const a = Number((await post(valid)).body[0].service_request_id);
    const b = Number(
      (await post({ ...valid, service_code: 'L0401', description: '路面坑洼' })).body[0].service_request_id,
    );
    await db.services.cases.transition({ caseId: b, action: 'REJECT', note: '重复上报' }, staff);
    await db.services.cases.transition({ caseId: a, action: 'FILE' }, staff);

    const one = await get(`/requests/${a}.json`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual([
      expect.objectContaining({
        service_request_id: String(a),
        status: 'open',
        status_notes: '已立案，待派遣',
        service_code: 'L0201',
        service_name: '马蜂窝',
        lat: T.inA1.coordinates[1],
        long: T.inA1.coordinates[0],
        expected_datetime: expect.any(String),
      }),
    ]);
    expect(JSON.stringify(one.body)).not.toContain('13812345678');
    const closed = await get(`/requests.json?status=closed&service_request_id=${a},${b}`);
    expect(closed.body.map((r: any) => [r.service_request_id, r.status, r.status_notes])).toEqual([
      [String(b), 'closed', '不予立案：重复上报'],
    ]);
    const byCode = await get('/requests.json?service_code=L0401');
    expect(byCode.body.map((r: any) => r.service_request_id)).toEqual([String(b)]);
    const open = await get(`/requests.json?status=open&service_request_id=${a},${b}`);
    expect(open.body.map((r: any) => r.service_request_id)).toEqual([String(a)]);
    const future = await get(`/requests.json?start_date=2999-01-01T00:00:00Z`);
    expect(future.body).toEqual([]);
    expect((await get('/requests.json?status=pending')).status).toBe(400);
    expect((await get('/requests/999999.json')).status).toBe(404);
  });
});
