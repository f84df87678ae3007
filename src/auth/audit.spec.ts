import { openTestApi, TestApi } from '../../test/harness';
import { buildTerritory, idNumberFor, T } from '../../test/factories';
import type { Viewer } from './viewer';

let api: TestApi;
let personId: string;
let staffA: Viewer;
let grid: Viewer;
let auditor: Viewer;
let admin: Viewer;
const ID = idNumberFor('1958-03-02', 'FEMALE');

async function auditRows(where = 'true', params: unknown[] = []) {
  const { rows } = await api.services.pool.query(
    `SELECT * FROM audit_log WHERE ${where} ORDER BY id`,
    params,
  );
  return rows as Record<string, any>[];
}

beforeAll(async () => {
  api = await openTestApi();
  await buildTerritory(api.services);
  const r = await api.exec(`mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { id } } }`, {
    i: { name: '刘芳', areaCode: T.gridA1, idNumber: ID, phone: '13912345678' },
  });
  personId = r.data!.createPerson.person.id;
  staffA = await api.viewer('COMMUNITY_STAFF', [T.communityA], null, '社区干部王');
  grid = await api.viewer('GRID_WORKER', [T.gridA1], null, '网格员李');
  auditor = await api.viewer('AUDITOR', [T.district], null, '审计员');
  admin = await api.viewer('ADMIN', [T.district], null, '管理员');
});
afterAll(() => api.close());

const Q = `query($id: ID!, $why: String) { person(id: $id) { idNumber(purpose: $why) phone(purpose: $why) } }`;

describe('personal data is masked unless a purpose is stated by someone allowed to', () => {
  it('masks by default and writes nothing to the audit log', async () => {
    const before = (await auditRows()).length;
    const r = await api.execAs(staffA, Q, { id: personId });
    expect(r.data!.person).toEqual({
      idNumber: `${ID.slice(0, 6)}********${ID.slice(14)}`,
      phone: '139****5678',
    });
    expect((await auditRows()).length).toBe(before);
  });

  it('unmasks with the permission and a purpose, and records who, what, when and why first', async () => {
    const r = await api.execAs(staffA, Q, { id: personId, why: '低保复核入户核查' });
    expect(r.errors).toBeUndefined();
    expect(r.data!.person).toEqual({ idNumber: ID, phone: '13912345678' });
    const rows = await auditRows(`operation LIKE 'unmask %'`);
    expect(rows.map((x) => [x.operation, x.target, x.purpose, x.outcome, x.actor_name, x.role])).toEqual([
      ['unmask Person.idNumber', personId, '低保复核入户核查', 'SUCCESS', '社区干部王', 'COMMUNITY_STAFF'],
      ['unmask Person.phone', personId, '低保复核入户核查', 'SUCCESS', '社区干部王', 'COMMUNITY_STAFF'],
    ]);
    expect(rows[0].request_id).toBe(rows[1].request_id);
    // the audit record itself holds no personal value
    expect(JSON.stringify(rows)).not.toContain(ID);
    expect(JSON.stringify(rows)).not.toContain('13912345678');
  });

  it('refuses without the permission, records the refusal, and still hands out nothing', async () => {
    const r = await api.execAs(grid, Q, { id: personId, why: '走访' });
    expect(r.errors?.map((e) => e.extensions?.reason)).toEqual(['PERMISSION_DENIED', 'PERMISSION_DENIED']);
    expect(JSON.stringify(r)).not.toContain(ID);
    const denied = await auditRows(`outcome = 'DENIED' AND actor_name = '网格员李'`);
    expect(denied.map((x) => x.operation).sort()).toEqual(['unmask Person.idNumber', 'unmask Person.phone']);
  });

  it('an empty or one-letter purpose is no purpose', async () => {
    const r = await api.execAs(staffA, Q, { id: personId, why: ' ' });
    expect(r.errors?.[0].extensions).toMatchObject({ reason: 'PURPOSE_REQUIRED', field: 'purpose' });
  });

  it('the change history and conflicts stay masked whoever asks', async () => {
    await api.exec(
      `mutation($id: ID!) { updatePerson(id: $id, input: { phone: "13700001111" }) { person { id } } }`,
      {
        id: personId,
      },
    );
    const r = await api.execAs(
      staffA,
      `query($id: ID!) { person(id: $id) { history { fields { field oldValue newValue } } } }`,
      {
        id: personId,
      },
    );
    const text = JSON.stringify(r.data);
    expect(text).toContain('137****1111');
    expect(text).not.toMatch(/1[3-9]\d{9}/);
    expect(text).not.toContain(ID);
  });
});

describe('the audit log', () => {
  it('records every mutation with actor, target, outcome and request id, without the values', async () => {
    const ok = await api.execAs(
      staffA,
      `mutation($id: ID!) { updatePerson(id: $id, input: { phone: "13600002222" }) { person { id } } }`,
      {
        id: personId,
      },
    );
    expect(ok.errors).toBeUndefined();
    const bad = await api.execAs(
      staffA,
      `mutation($id: ID!) { updatePerson(id: $id, input: { idNumber: "123" }) { person { id } } }`,
      {
        id: personId,
      },
    );
    expect(bad.errors).toBeDefined();
    const rows = await auditRows(`operation = 'mutation updatePerson' AND actor_name = '社区干部王'`);
    expect(rows.map((x) => [x.target, x.outcome, x.details])).toEqual([
      [personId, 'SUCCESS', { arguments: ['id', 'input'] }],
      [personId, 'FAILURE', { arguments: ['id', 'input'], reason: 'ID_FORMAT_INVALID' }],
    ]);
    expect(rows[0].request_id).not.toBe(rows[1].request_id);
    expect(JSON.stringify(rows)).not.toContain('13600002222');
    const denied = await api.execAs(
      auditor,
      `mutation { createPerson(input: { name: "某", areaCode: "${T.gridA1}" }) { person { id } } }`,
    );
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(
      (await auditRows(`actor_name = '审计员' AND operation = 'mutation createPerson'`)).map(
        (x) => x.outcome,
      ),
    ).toEqual(['DENIED']);
  });

  it('is readable by the auditor only', async () => {
    const q = `{ auditLog(first: 200) { operation actorName outcome target purpose } }`;
    const a = await api.execAs(auditor, q);
    expect(a.errors).toBeUndefined();
    expect(a.data!.auditLog.length).toBe((await auditRows()).length);
    expect(a.data!.auditLog).toContainEqual({
      operation: 'unmask Person.idNumber',
      actorName: '社区干部王',
      outcome: 'SUCCESS',
      target: personId,
      purpose: '低保复核入户核查',
    });
    for (const v of [admin, staffA]) {
      const r = await api.execAs(v, q);
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'PERMISSION_DENIED' });
    }
    const filtered = await api.execAs(auditor, `{ auditLog(filter: { actorName: "网格员李" }) { outcome } }`);
    expect(filtered.data!.auditLog).toEqual([{ outcome: 'DENIED' }, { outcome: 'DENIED' }]);
  });

  it('cannot be changed by the application role, nor by anyone through UPDATE, DELETE or TRUNCATE', async () => {
    const client = await api.services.pool.connect();
    try {
      for (const sql of [
        `UPDATE audit_log SET outcome = 'SUCCESS'`,
        `DELETE FROM audit_log`,
        `TRUNCATE audit_log`,
      ]) {
        // as the application's role: no privilege at all
        await client.query('BEGIN');
        await client.query('SET LOCAL ROLE yibiao_app');
        await expect(client.query(sql)).rejects.toThrow(/permission denied/);
        await client.query('ROLLBACK');
        // as the owner (superuser here): the trigger refuses
        await expect(client.query(sql)).rejects.toThrow(/append-only/);
      }
      await client.query('BEGIN');
      await client.query('SET LOCAL ROLE yibiao_app');
      await client.query(
        `INSERT INTO audit_log (actor_kind, actor_name, operation, outcome, request_id) VALUES ('SYSTEM', 't', 'probe', 'SUCCESS', 'r')`,
      );
      await expect(client.query(`SELECT audit_purge(365)`)).rejects.toThrow(/permission denied/);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });

  it('is purged only past the retention period, never below 180 days, through the maintenance role', async () => {
    const pool = api.services.pool;
    await pool.query(
      `INSERT INTO audit_log (at, actor_kind, actor_name, operation, outcome, request_id) VALUES
       (now() - interval '400 days', 'SYSTEM', 'old', 'probe', 'SUCCESS', 'r1'),
       (now() - interval '200 days', 'SYSTEM', 'mid', 'probe', 'SUCCESS', 'r2')`,
    );
    const total = (await auditRows()).length;
    await expect(api.services.audit.purge(30)).rejects.toThrow(/at least 180 days/);
    expect(await api.services.audit.purge(365)).toBe(1);
    expect((await auditRows(`actor_name IN ('old', 'mid')`)).map((x) => x.actor_name)).toEqual(['mid']);
    expect((await auditRows()).length).toBe(total - 1);
    // the guard itself lets no recent row go, even with the purge flag set by hand
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      await c.query(`SELECT set_config('yibiao.audit_purge', 'on', true)`);
      await expect(c.query(`DELETE FROM audit_log WHERE actor_name = 'mid'`)).resolves.toHaveProperty(
        'rowCount',
        1,
      );
      await expect(c.query(`DELETE FROM audit_log WHERE at > now() - interval '1 day'`)).rejects.toThrow(
        /append-only/,
      );
      await c.query('ROLLBACK');
    } finally {
      c.release();
    }
  });
});
