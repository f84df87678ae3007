import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { openTestDb, type TestDb } from '../../test/harness';
import { buildTerritory, T } from '../../test/factories';
import { idOf } from '../graphql/global-id';
import { RunningServer, startServer } from '../server';
import { PEOPLE } from './fixtures/ingest-fixtures';
import { IngestQueue } from './ingest-run.job';
import { IngestService } from './run/ingest.service';

const DIR = join(__dirname, '../../fixtures/ingest');

let db: TestDb;
let server: RunningServer;
let queue: IngestQueue;
let worker: ReturnType<IngestQueue['startWorker']>;
const tokens: Record<string, string> = {};
const bearer = (name: string) => ({ authorization: `Bearer ${tokens[name]}` });
beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
  db.services.ingest = new IngestService(db.services.pool, db.services.ledger, db.services.areas, {
    storageDir: mkdtempSync(join(tmpdir(), 'ingest-api-')),
    batchSize: 2,
  });
  // a queue prefix of this test's own, so no other test's worker picks up these jobs
  db.services.config.QUEUE_PREFIX = `t${process.pid}${Date.now()}`;
  server = await startServer(db.services, { port: 0, host: '127.0.0.1', log: () => undefined });
  const auth = db.services.auth;
  // the street's command centre may read, write and unmask; a grid worker of 文昌社区 may not
  // unmask and sees only that community; an analyst may read but not write
  await auth.createAccount({ name: 'center', role: 'COMMAND_CENTER', areaCodes: [T.street] }, 'test');
  await auth.createAccount({ name: 'grid-b', role: 'GRID_WORKER', areaCodes: [T.communityB] }, 'test');
  await auth.createAccount(
    {
      name: 'analyst',
      role: 'DEPARTMENT_ANALYST',
      areaCodes: [T.street],
      departmentCodes: ['CIVIL_AFFAIRS'],
    },
    'test',
  );
  for (const name of ['center', 'grid-b', 'analyst']) tokens[name] = (await auth.issueToken(name)).token;
  queue = new IngestQueue(db.services.config.REDIS_URL, db.services.config.QUEUE_PREFIX);
  worker = queue.startWorker(db.services);
});
afterAll(async () => {
  await queue.close();
  await server.close();
  await db.close();
});

async function gql(query: string, variables?: object, as = 'center') {
  const res = await fetch(`http://127.0.0.1:${server.port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(as) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as any;
}

async function upload(
  file: string,
  query: string,
  headers: Record<string, string> = bearer('center'),
  endpoint = 'upload',
) {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(join(DIR, file))]), file.split('/').pop());
  const res = await fetch(`http://127.0.0.1:${server.port}/ingest/${endpoint}?${query}`, {
    method: 'POST',
    body: form,
    headers,
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function finished(id: string) {
  for (let i = 0; i < 200; i++) {
    const r = await gql(`query($id: ID!) { ingestRun(id: $id) { status } }`, { id });
    if (r.data.ingestRun.status === 'SUCCEEDED' || r.data.ingestRun.status === 'FAILED')
      return r.data.ingestRun.status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('run did not finish');
}

describe('ingest over HTTP and GraphQL', () => {
  let runId: string;

  it('previews a file before it is uploaded: layout, mapping, counts and the first rows masked, writing nothing', async () => {
    const count = async (table: string) =>
      (await db.services.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
    const before = [await count('ingest_run'), await count('person'), await count('source_record')];
    const r = await upload(
      'civil-affairs-dibao.xlsx',
      'profile=civil-affairs-dibao',
      bearer('center'),
      'preview',
    );
    expect(r.status).toBe(200);
    const p = r.body.preview;
    expect(p).toMatchObject({
      fileName: 'civil-affairs-dibao.xlsx',
      profile: 'civil-affairs-dibao',
      format: 'XLSX',
      partial: false,
    });
    const sheet = p.sheets.find((s: any) => s.layout.sheet === '北门社区');
    expect(sheet.layout.headerRows).toEqual([3, 4]);
    expect(sheet.mapping).toContainEqual(
      expect.objectContaining({ header: '成员信息/身份证号码', target: 'idNumber' }),
    );
    // the counts the run of this file reports: 13 rows, 8 landed, 4 skipped, 1 rejected
    const sum = (k: string) => p.sheets.reduce((n: number, s: any) => n + s.counts[k], 0);
    expect(['rows', 'wouldLand', 'skipped', 'rejected'].map(sum)).toEqual([13, 8, 4, 1]);
    expect(sheet.sample.length).toBeGreaterThan(0);
    const text = JSON.stringify(p);
    expect(text).not.toContain(PEOPLE.wangJianguo.idNumber);
    expect(text).not.toContain('13812345678');
    expect(text).not.toContain('兴安路12号3栋2单元301室');
    expect([await count('ingest_run'), await count('person'), await count('source_record')]).toEqual(before);
    // the same refusals as an upload: a bad file with its reason, a reader who may not upload
    const bad = await upload('bad/legacy.xls', '', bearer('center'), 'preview');
    expect(bad).toMatchObject({ status: 400, body: { error: { reason: 'FILE_FORMAT_UNSUPPORTED' } } });
    const readOnly = await upload('civil-affairs-dibao.xlsx', '', bearer('analyst'), 'preview');
    expect(readOnly).toMatchObject({ status: 403, body: { error: { reason: 'PERMISSION_DENIED' } } });
    const unknown = await upload('civil-affairs-dibao.xlsx', 'profile=nope', bearer('center'), 'preview');
    expect(unknown).toMatchObject({ status: 404, body: { error: { reason: 'PROFILE_NOT_FOUND' } } });
  });

  it('uploads a file, queues a BullMQ job and reports progress to subscribers until the run ends', async () => {
    const client = createClient({
      url: `ws://127.0.0.1:${server.port}/graphql`,
      webSocketImpl: WebSocket,
      lazy: false,
      connectionParams: bearer('center'),
    });
    try {
      // hold the worker so that the subscription is in place before the run starts
      await worker.pause();
      const events: any[] = [];
      const created = await upload(
        'civil-affairs-dibao.xlsx',
        `profile=civil-affairs-dibao&areaCode=${T.street}`,
      );
      expect(created.status).toBe(202);
      expect(created.body.run).toMatchObject({
        fileName: 'civil-affairs-dibao.xlsx',
        profile: 'civil-affairs-dibao',
        department: 'CIVIL_AFFAIRS',
        status: 'QUEUED',
      });
      runId = created.body.run.id;
      const done = new Promise<void>((resolve, reject) => {
        client.subscribe(
          {
            query: `subscription($id: ID!) { ingestProgress(runId: $id) { runId processed total landed skipped rejected status } }`,
            variables: { id: runId },
          },
          {
            next: (v) => {
              events.push(v.data!.ingestProgress);
              if ((v.data!.ingestProgress as any).status !== 'RUNNING') resolve();
            },
            error: reject,
            complete: () => undefined,
          },
        );
      });
      await new Promise((r) => setTimeout(r, 300));
      await worker.resume();
      await done;
      expect(await finished(runId)).toBe('SUCCEEDED');
      expect(events.length).toBeGreaterThanOrEqual(3);
      for (const e of events) expect(e.runId).toBe(runId);
      const processed = events.map((e) => e.processed);
      expect(processed).toEqual([...processed].sort((a, b) => a - b));
      expect(events[events.length - 1]).toMatchObject({
        status: 'SUCCEEDED',
        processed: 13,
        total: 13,
        landed: 8,
        skipped: 4,
        rejected: 1,
      });
    } finally {
      await client.dispose();
    }
  });

  it('answers ingestRun and ingestRuns with counts, and lists problem rows with masked cells', async () => {
    const r = await gql(
      `query($id: ID!) { ingestRun(id: $id) { status rowsTotal processed landed skipped rejected personsCreated rejectsUrl
         createdAt startedAt finishedAt
         issues(outcome: REJECTED) { sheet rowNumber outcome reason message cells } }
         ingestRuns(first: 5) { id status } }`,
      { id: runId },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.ingestRun).toMatchObject({
      status: 'SUCCEEDED',
      rowsTotal: 13,
      processed: 13,
      landed: 8,
      skipped: 4,
      rejected: 1,
      personsCreated: 8,
    });
    expect(r.data.ingestRuns.map((x: any) => x.id)).toContain(runId);
    // queued, then taken up by the worker, then finished
    const { createdAt, startedAt, finishedAt } = r.data.ingestRun;
    expect(startedAt).not.toBeNull();
    expect(Date.parse(createdAt)).toBeLessThanOrEqual(Date.parse(startedAt));
    expect(Date.parse(startedAt)).toBeLessThanOrEqual(Date.parse(finishedAt));
    const issue = r.data.ingestRun.issues[0];
    expect(issue).toMatchObject({
      sheet: '文昌社区',
      rowNumber: 7,
      outcome: 'REJECTED',
      reason: 'ID_SCIENTIFIC_NOTATION',
    });
    expect(issue.cells['成员信息/姓名']).toBe('周杰');
    expect(JSON.stringify(issue.cells)).not.toMatch(/\d{15}/);
  });

  it('downloads the problem rows as XLSX', async () => {
    const r = await gql(`query($id: ID!) { ingestRun(id: $id) { rejectsUrl } }`, { id: runId });
    const res = await fetch(`http://127.0.0.1:${server.port}${r.data.ingestRun.rejectsUrl}`, {
      headers: bearer('center'),
    });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    expect(wb.getWorksheet('文昌社区')!.rowCount).toBe(4);
  });

  it('shows doubtful matches and conflicts in the review queue, masked', async () => {
    const second = await upload('health-chronic.csv', `profile=health-chronic&areaCode=${T.street}`);
    expect(await finished(second.body.run.id)).toBe('SUCCEEDED');
    const r = await gql(`{ reviewQueue(first: 50) { kind field chosenValue otherValue person } }`);
    expect(r.errors).toBeUndefined();
    const phone = r.data.reviewQueue.find((i: any) => i.kind === 'CONFLICT' && i.field === 'phone');
    expect(phone).toMatchObject({ chosenValue: '138****5678', otherValue: '139****4321' });
    expect(JSON.stringify(r.data)).not.toContain(PEOPLE.wangJianguo.idNumber);
  });

  it('needs credentials for uploads and downloads, record:write to upload and an area in scope', async () => {
    const runs = async () =>
      (await db.services.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM ingest_run')).rows[0].n;
    const before = await runs();
    const anonymous = await upload('hrss-insured.csv', `areaCode=${T.street}`, {});
    expect(anonymous.status).toBe(401);
    const badToken = await upload('hrss-insured.csv', `areaCode=${T.street}`, {
      authorization: 'Bearer nonsense',
    });
    expect(badToken).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
    const readOnly = await upload('hrss-insured.csv', `areaCode=${T.street}`, bearer('analyst'));
    expect(readOnly).toMatchObject({ status: 403, body: { error: { reason: 'PERMISSION_DENIED' } } });
    const outside = await upload('hrss-insured.csv', `areaCode=${T.street}`, bearer('grid-b'));
    expect(outside).toMatchObject({ status: 400, body: { error: { reason: 'AREA_OUT_OF_SCOPE' } } });
    const url = `http://127.0.0.1:${server.port}/ingest/runs/${runId}/rejects.xlsx`;
    expect((await fetch(url)).status).toBe(401);
    // a run outside the reader's scope does not exist for them
    expect((await fetch(url, { headers: bearer('grid-b') })).status).toBe(404);
    expect(await runs()).toBe(before);
  });

  it("shows runs and review items only within the viewer's scope", async () => {
    const r = await gql(
      `query($id: ID!) { ingestRun(id: $id) { id } ingestRuns { id } reviewQueue { person candidate } }`,
      { id: runId },
      'grid-b',
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.ingestRun).toBeNull();
    expect(r.data.ingestRuns).toEqual([]);
    const all = await gql(`{ reviewQueue { person } }`);
    expect(all.data.reviewQueue.length).toBeGreaterThan(r.data.reviewQueue.length);
    const ids = r.data.reviewQueue
      .flatMap((i: any) => [i.person, i.candidate])
      .filter(Boolean)
      .map((g: string) => idOf(g, 'Person'));
    const { rows } = await db.services.pool.query<{ area_code: string }>(
      'SELECT area_code FROM person WHERE id = ANY($1::bigint[])',
      [ids],
    );
    for (const p of rows) expect(db.services.areas.isWithin(p.area_code, T.communityB)).toBe(true);
  });

  it('unmasks problem rows and the rejects file only for a stated purpose with pii:unmask, and audits it', async () => {
    const { rows } = await db.services.pool.query<{ raw: Record<string, unknown> }>(
      "SELECT raw FROM ingest_row_issue WHERE run_id = $1 AND outcome = 'REJECTED'",
      [runId],
    );
    const idCell = rows[0].raw['成员信息/身份证号码'];
    const Q = `query($id: ID!, $p: String) { ingestRun(id: $id) { issues(outcome: REJECTED, purpose: $p) { cells } } }`;
    const shown = await gql(Q, { id: runId, p: '低保复核入户核查' });
    expect(shown.errors).toBeUndefined();
    expect(shown.data.ingestRun.issues[0].cells['成员信息/身份证号码']).toEqual(idCell);
    const denied = await gql(Q, { id: runId, p: '低保复核入户核查' }, 'analyst');
    expect(denied.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN' });

    const cellsOf = async (res: Response) => {
      expect(res.status).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await res.arrayBuffer());
      const values: unknown[] = [];
      wb.getWorksheet('文昌社区')!.eachRow((row) => row.eachCell((c) => values.push(c.value)));
      return values;
    };
    const url = `http://127.0.0.1:${server.port}/ingest/runs/${runId}/rejects.xlsx`;
    const masked = await cellsOf(await fetch(url, { headers: bearer('analyst') }));
    expect(masked).not.toContainEqual(idCell);
    expect(JSON.stringify(masked)).not.toMatch(/\d{11}/);
    expect(
      (await fetch(`${url}?purpose=${encodeURIComponent('低保复核')}`, { headers: bearer('analyst') }))
        .status,
    ).toBe(403);
    const full = await cellsOf(
      await fetch(`${url}?purpose=${encodeURIComponent('低保复核')}`, { headers: bearer('center') }),
    );
    expect(full).toContainEqual(idCell);
    const audit = await db.services.pool.query<{ actor_name: string; outcome: string }>(
      "SELECT actor_name, outcome::text FROM audit_log WHERE operation = 'unmask IngestRun.rejects' ORDER BY id",
    );
    expect(audit.rows).toEqual([
      { actor_name: 'analyst', outcome: 'DENIED' },
      { actor_name: 'center', outcome: 'SUCCESS' },
    ]);
  });

  it('sends ingestProgress only to subscribers whose scope covers the run', async () => {
    const listen = (as: string, id: string) => {
      const client = createClient({
        url: `ws://127.0.0.1:${server.port}/graphql`,
        webSocketImpl: WebSocket,
        lazy: false,
        connectionParams: bearer(as),
      });
      const events: any[] = [];
      const done = new Promise<void>((resolve, reject) => {
        client.subscribe(
          { query: `subscription($id: ID!) { ingestProgress(runId: $id) { status } }`, variables: { id } },
          {
            next: (v) => {
              events.push(v.data!.ingestProgress);
              if ((v.data!.ingestProgress as any).status !== 'RUNNING') resolve();
            },
            error: reject,
            complete: () => undefined,
          },
        );
      });
      return { client, events, done };
    };
    await worker.pause();
    const created = await upload('hrss-insured.csv', `profile=hrss-insured&areaCode=${T.street}`);
    const center = listen('center', created.body.run.id);
    const outsider = listen('grid-b', created.body.run.id);
    try {
      await new Promise((r) => setTimeout(r, 300));
      await worker.resume();
      await center.done;
      await new Promise((r) => setTimeout(r, 200));
      expect(center.events.length).toBeGreaterThan(0);
      expect(outsider.events).toEqual([]);
    } finally {
      await center.client.dispose();
      await outsider.client.dispose();
    }
  });

  it('refuses a bad upload with a clear error and fails the run without writing', async () => {
    const r = await upload('bad/encrypted.xlsx', `areaCode=${T.street}`);
    expect(r.status).toBe(202);
    expect(await finished(r.body.run.id)).toBe('FAILED');
    const run = await gql(`query($id: ID!) { ingestRun(id: $id) { errorReason errorMessage landed } }`, {
      id: r.body.run.id,
    });
    expect(run.data.ingestRun).toMatchObject({ errorReason: 'FILE_ENCRYPTED', landed: 0 });
    const missing = await fetch(`http://127.0.0.1:${server.port}/ingest/upload?areaCode=${T.street}`, {
      method: 'POST',
      body: new FormData(),
      headers: bearer('center'),
    });
    expect(missing.status).toBe(400);
    const unknownProfile = await upload('hrss-insured.csv', `profile=nope&areaCode=${T.street}`);
    expect(unknownProfile).toMatchObject({ status: 404, body: { error: { reason: 'PROFILE_NOT_FOUND' } } });
  });
});
