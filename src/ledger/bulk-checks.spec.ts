import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openTestDb, TestDb } from '../../test/harness';
import { buildTerritory, idNumberFor, T } from '../../test/factories';
import { withTransaction } from '../db/pool';
import { LedgerService } from './ledger.service';
import type { EntityWrite, LedgerItem } from './ledger.types';

/**
 * Bulk mode: a batch written with PostgreSQL's per-row foreign-key checks off and every reference
 * checked once per batch and key (`BulkChecks`). It must refuse what the per-row checks refuse, hold
 * the same locks, and keep the schema's own triggers firing.
 */

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
});
afterAll(() => db.close());

let row = 0;
function item(writes: EntityWrite[]): LedgerItem {
  return {
    source: {
      districtCode: T.district,
      kind: 'INGEST',
      departmentCode: 'CIVIL_AFFAIRS',
      fileName: 'bulk.csv',
      rowNumber: ++row,
      raw: { row },
    },
    writes,
  };
}

async function ids(ledger: LedgerService, pool: pg.Pool, type: 'PERSON' | 'HOUSEHOLD' | 'HOUSE', n: number) {
  return ledger.allocateIds(pool, type, n);
}

/** A household in its house with `members` persons (the first its head), as one batch of items. */
async function family(ledger: LedgerService, pool: pg.Pool, members: number, number: string) {
  const [house] = await ids(ledger, pool, 'HOUSE', 1);
  const [household] = await ids(ledger, pool, 'HOUSEHOLD', 1);
  const persons = await ids(ledger, pool, 'PERSON', members);
  const items: LedgerItem[] = persons.map((id, i) =>
    item([
      {
        type: 'HOUSE',
        districtCode: T.district,
        id: house,
        create: i === 0,
        values: i === 0 ? { address: `兴安路${number}号`, use: 'RESIDENTIAL', area_code: T.gridA1 } : {},
      },
      {
        type: 'HOUSEHOLD',
        districtCode: T.district,
        id: household,
        create: i === 0,
        values: {
          ...(i === 0 ? { household_number: number, area_code: T.gridA1 } : {}),
          house_id: house,
          ...(i === 0 ? { head_person_id: id } : {}),
        },
      },
      {
        type: 'PERSON',
        districtCode: T.district,
        id,
        create: true,
        values: {
          status: 'ACTIVE',
          name: `成员${i}`,
          id_number: idNumberFor(`198${i}-01-0${i + 1}`),
          area_code: T.gridA1,
          household_id: household,
          house_id: house,
        },
      },
    ]),
  );
  return { house, household, persons, items };
}

const count = async (sql: string, params: unknown[] = []) =>
  Number((await db.services.pool.query<{ n: string }>(sql, params)).rows[0].n);

describe('writing a batch with foreign keys checked per batch', () => {
  it('is available to a role that may set session_replication_role, on the migrated schema', async () => {
    // false would mean the ledger silently fell back to the per-row checks (a new foreign key on a
    // table whose rows the check is not given, or the privilege gone)
    await expect(db.services.ledger.bulkAvailable()).resolves.toBe(true);
  });

  it('writes the batch, leaves the per-row checks on for what follows in the transaction, and keeps the ID-number index', async () => {
    const { ledger, pool } = db.services;
    const f = await family(ledger, pool, 3, 'BULK-1');
    const role = await withTransaction(pool, async (client) => {
      await ledger.recordIn(client, f.items, { bulk: true });
      return (await client.query<{ r: string }>(`SELECT current_setting('session_replication_role') AS r`))
        .rows[0].r;
    });
    expect(role).toBe('origin');
    expect(await count('SELECT count(*) AS n FROM person WHERE household_id = $1', [f.household])).toBe(3);
    expect(
      await count('SELECT count(*) AS n FROM household WHERE id = $1 AND head_person_id = $2', [
        f.household,
        f.persons[0],
      ]),
    ).toBe(1);
    // the statement-level trigger that keeps person_id_number fires in bulk mode too (migration 0011)
    expect(
      await count('SELECT count(*) AS n FROM person_id_number WHERE person_id = ANY($1::bigint[])', [
        f.persons,
      ]),
    ).toBe(3);
  });

  it.each([
    ['an unknown area', { area_code: '61090299999999' }, 'person_area_code_fkey'],
    [
      'a household that does not exist',
      { household_id: 987654321 },
      'person_district_code_household_id_fkey',
    ],
  ])(
    'refuses a batch naming %s, with the error PostgreSQL gives, and writes nothing',
    async (_what, bad, constraint) => {
      const { ledger, pool } = db.services;
      const f = await family(ledger, pool, 3, `BULK-BAD-${constraint}`);
      const last = f.items[2].writes[2];
      last.values = { ...last.values, ...bad };
      const error = await withTransaction(pool, (client) =>
        ledger.recordIn(client, f.items, { bulk: true }),
      ).then(
        () => null,
        (e: unknown) => e as { code?: string; constraint?: string; message: string },
      );
      expect(error).toMatchObject({ code: '23503', constraint });
      expect(error?.message).toContain(`violates foreign key constraint "${constraint}"`);
      expect(await count('SELECT count(*) AS n FROM household WHERE id = $1', [f.household])).toBe(0);
      expect(await count('SELECT count(*) AS n FROM person WHERE id = ANY($1::bigint[])', [f.persons])).toBe(
        0,
      );
    },
  );

  it('turns the per-row checks back on when it refuses a batch itself, for whatever the caller does next', async () => {
    const { ledger, pool } = db.services;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const missing = item([
        {
          type: 'PERSON',
          districtCode: T.district,
          id: 987654323,
          create: false,
          values: { phone: '13800000000' },
        },
      ]);
      await expect(ledger.recordIn(client, [missing], { bulk: true })).rejects.toMatchObject({
        reason: 'PERSON_NOT_FOUND',
      });
      // the transaction is still usable, and a bad reference in it is refused at once again
      const role = await client.query<{ r: string }>(
        `SELECT current_setting('session_replication_role') AS r`,
      );
      expect(role.rows[0].r).toBe('origin');
      await expect(
        client.query(
          `UPDATE household SET area_code = '61090299999999' WHERE id = (SELECT min(id) FROM household)`,
        ),
      ).rejects.toMatchObject({ code: '23503' });
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('refuses a head of household who is not written by the end of the batch', async () => {
    const { ledger, pool } = db.services;
    const f = await family(ledger, pool, 2, 'BULK-HEAD');
    (f.items[0].writes[1].values as Record<string, unknown>).head_person_id = 987654322;
    await expect(
      withTransaction(pool, (client) => ledger.recordIn(client, f.items, { bulk: true })),
    ).rejects.toMatchObject({ code: '23503', constraint: 'household_district_code_head_person_id_fkey' });
  });

  it('locks a referenced row that existed before, as the per-row check does: nobody can delete it under the batch', async () => {
    const { ledger, pool } = db.services;
    const [household] = await ids(ledger, pool, 'HOUSEHOLD', 1);
    await ledger.record([
      item([
        {
          type: 'HOUSEHOLD',
          districtCode: T.district,
          id: household,
          create: true,
          values: { household_number: 'BULK-LOCK', area_code: T.gridA1 },
        },
      ]),
    ]);
    const [person] = await ids(ledger, pool, 'PERSON', 1);
    const writer = await pool.connect();
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      await writer.query('BEGIN');
      await ledger.recordIn(
        writer,
        [
          item([
            {
              type: 'PERSON',
              districtCode: T.district,
              id: person,
              create: true,
              values: { status: 'ACTIVE', name: '锁', area_code: T.gridA1, household_id: household },
            },
          ]),
        ],
        { bulk: true },
      );
      // the person is not committed, so nothing the other session can see refers to the household:
      // only the batch's lock keeps it from being deleted
      await other.query(`SET lock_timeout = '300ms'`);
      await expect(other.query('DELETE FROM household WHERE id = $1', [household])).rejects.toMatchObject({
        code: '55P03',
      });
      await writer.query('COMMIT');
    } finally {
      writer.release();
      await other.end();
    }
    expect(
      await count('SELECT count(*) AS n FROM person WHERE id = $1 AND household_id = $2', [
        person,
        household,
      ]),
    ).toBe(1);
  });

  it('leaves no trigger of the schema in the default mode, which the per-row checks switched off would skip', async () => {
    const { rows } = await db.services.pool.query<{ name: string }>(
      `SELECT c.relname || '.' || g.tgname AS name FROM pg_trigger g
       JOIN pg_class c ON c.oid = g.tgrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
       WHERE NOT g.tgisinternal AND g.tgenabled <> 'A'`,
    );
    expect(rows.map((r) => r.name)).toEqual([]);
    const always = await count(
      `SELECT count(*) AS n FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'A'`,
    );
    expect(always).toBeGreaterThanOrEqual(13); // the guards, person_id_number's three, area routing's two
  });

  it('keeps the append-only guards on with the per-row checks off', async () => {
    const client = await db.services.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL session_replication_role = replica');
      await expect(client.query(`UPDATE source_record SET file_name = 'x'`)).rejects.toThrow(/append-only/);
      await client.query('ROLLBACK');
      await client.query('BEGIN');
      await client.query('SET LOCAL session_replication_role = replica');
      await expect(client.query(`DELETE FROM ledger_change`)).rejects.toThrow(/append-only/);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });

  describe('as a role without the privilege', () => {
    const role = `yibiao_probe_${randomBytes(3).toString('hex')}`;
    let pool: pg.Pool;
    beforeAll(async () => {
      const admin = db.services.pool;
      await admin.query(`CREATE ROLE ${role} LOGIN`);
      await admin.query(`GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO ${role}`);
      await admin.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
      const url = new URL(db.url);
      url.username = role;
      pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
    });
    afterAll(async () => {
      await pool.end();
      await db.services.pool.query(`DROP OWNED BY ${role}`);
      await db.services.pool.query(`DROP ROLE ${role}`);
    });

    it('falls back to the per-row checks, which refuse the same batch', async () => {
      const ledger = new LedgerService(pool);
      await expect(ledger.bulkAvailable()).resolves.toBe(false);
      const good = await family(ledger, pool, 2, 'BULK-PROBE');
      await withTransaction(pool, (client) => ledger.recordIn(client, good.items, { bulk: true }));
      expect(await count('SELECT count(*) AS n FROM person WHERE household_id = $1', [good.household])).toBe(
        2,
      );
      const bad = await family(ledger, pool, 2, 'BULK-PROBE-BAD');
      bad.items[1].writes[2].values.area_code = '61090299999999';
      await expect(
        withTransaction(pool, (client) => ledger.recordIn(client, bad.items, { bulk: true })),
      ).rejects.toMatchObject({ code: '23503', constraint: 'person_area_code_fkey' });
    });

    it('reads the privilege again after a batch found it revoked', async () => {
      const ledger = new LedgerService(pool);
      await db.services.pool.query(`GRANT yibiao_app TO ${role}`);
      await expect(ledger.bulkAvailable()).resolves.toBe(true);
      await db.services.pool.query(`REVOKE yibiao_app FROM ${role}`);
      const first = await family(ledger, pool, 2, 'BULK-REVOKED-1');
      await expect(
        withTransaction(pool, (client) => ledger.recordIn(client, first.items, { bulk: true })),
      ).rejects.toMatchObject({ code: '42501' });
      await expect(ledger.bulkAvailable()).resolves.toBe(false);
      const second = await family(ledger, pool, 2, 'BULK-REVOKED-2');
      await withTransaction(pool, (client) => ledger.recordIn(client, second.items, { bulk: true }));
      expect(
        await count('SELECT count(*) AS n FROM person WHERE household_id = $1', [second.household]),
      ).toBe(2);
    });

    it('gains it as a member of yibiao_app (migration 0011)', async () => {
      await db.services.pool.query(`GRANT yibiao_app TO ${role}`);
      try {
        await expect(new LedgerService(pool).bulkAvailable()).resolves.toBe(true);
      } finally {
        await db.services.pool.query(`REVOKE yibiao_app FROM ${role}`);
      }
    });
  });
});
