import { personsPageFilter } from '../../test/factories';
import { openTestDb, TestDb } from '../../test/harness';
import { scopeOf } from '../auth/scope';
import { seedDistrict } from '../seed/seed.service';
import { registrySql } from './registry.queries';

// one connection, so that the session's prepared statements are the ones the reads made
let db: TestDb;
beforeAll(async () => {
  db = await openTestDb({ poolSize: 1 });
  await seedDistrict(db.services, { persons: 60, things: 0, cases: 0, seed: 3 });
}, 120_000);
afterAll(() => db?.close());

/** How often each statement prepared on the pool's one connection has run. */
async function preparedRuns(): Promise<Map<string, number>> {
  const { rows } = await db.services.pool.query<{ statement: string; runs: number }>(
    `SELECT statement, (generic_plans + custom_plans)::int AS runs FROM pg_prepared_statements`,
  );
  return new Map(rows.map((r) => [r.statement, r.runs]));
}

describe('registry reads are prepared statements', () => {
  it('a persons page, read three times, is parsed once on its connection and run three times', async () => {
    const s = db.services;
    const scope = await scopeOf(s.areas, ['610902'], null);
    const join = { household: true, house: true, total: true };
    const pages = [];
    for (let i = 0; i < 3; i++) pages.push(await s.persons.list({}, { first: 20 }, scope, null, true, join));
    expect(pages[0].nodes).toHaveLength(20);
    expect(pages[2].nodes.map((p) => p.id)).toEqual(pages[0].nodes.map((p) => p.id));

    const runs = await preparedRuns();
    const page = registrySql.personsPage(personsPageFilter({ scope, limit: 21 }), false, join);
    expect(page.name).toMatch(/^r_/);
    expect(runs.get(page.text)).toBe(3);
  });

  it('with DB_PREPARED_STATEMENTS=off (a pooler that cannot keep them) nothing is prepared', async () => {
    const off = await openTestDb({ poolSize: 1, config: { DB_PREPARED_STATEMENTS: 'off' } });
    try {
      const s = off.services;
      const scope = await scopeOf(s.areas, ['610902'], null);
      const join = { household: true, house: true, total: true };
      // (an empty database: the statements run all the same)
      await s.persons.list({}, { first: 5 }, scope, null, true, join);
      await s.persons.list({}, { first: 5 }, scope, null, true, join);
      const { rows } = await s.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_prepared_statements`,
      );
      expect(rows[0].n).toBe(0);
    } finally {
      await off.close();
    }
  });

  it('the same text always gets the same name, a different text another', () => {
    const scope = { areaCodes: null, areaPaths: null, departments: null };
    const a = registrySql.personsPage(personsPageFilter({ scope, limit: 21 }), false);
    const b = registrySql.personsPage(personsPageFilter({ scope, limit: 51, day: '2024-01-01' }), false);
    const c = registrySql.personsPage(personsPageFilter({ scope, limit: 21, gender: 'MALE' }), false);
    // values are parameters: they change nothing in the text or its name
    expect(b.text).toBe(a.text);
    expect(b.name).toBe(a.name);
    expect(c.text).not.toBe(a.text);
    expect(c.name).not.toBe(a.name);
  });
});
