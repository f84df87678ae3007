import { openTestApi, TestApi } from '../../test/harness';
import { seedDistrict } from '../../src/seed/seed.service';
import { PERSONS_PAGE_QUERY } from '../persons-page.bench';
import { pageOf } from './read';
import { PERSONS_PAGE_SQL } from './sql-server';

const PROJECT = { root: 'persons', household: 'household', head: 'head', house: 'house', area: 'area' };

let api: TestApi;
beforeAll(async () => {
  api = await openTestApi();
  await seedDistrict(api.services, { persons: 120, things: 0, cases: 0, seed: 5 });
  // one merged duplicate, which neither side may list or count
  await api.services.pool.query(
    `UPDATE person SET status = 'MERGED' WHERE id = (SELECT min(id) FROM person WHERE household_id IS NOT NULL)`,
  );
}, 120_000);
afterAll(() => api?.close());

describe('the hand-written SQL ceiling of the read comparison', () => {
  it('answers the page the project answers a command-center account: same persons, relations, count and ids', async () => {
    const viewer = await api.viewer('COMMAND_CENTER', ['610902']);
    const project = await api.execAs(viewer, PERSONS_PAGE_QUERY, {});
    expect(project.errors).toBeUndefined();
    const { rows } = await api.services.pool.query<{ body: string }>(PERSONS_PAGE_SQL);
    const sql = JSON.parse(rows[0].body) as { data: { persons: { edges: { node: { id: string } }[] } } };

    const a = pageOf(project, PROJECT);
    const b = pageOf(sql, PROJECT);
    expect(a.rows).toHaveLength(50);
    expect(b).toEqual(a);
    const live = await api.services.pool.query(
      `SELECT count(*)::int AS n FROM person WHERE status <> 'MERGED'`,
    );
    expect(b.totalCount).toBe(live.rows[0].n);
    const ids = (x: unknown) =>
      (x as { data: { persons: { edges: { node: { id: string } }[] } } }).data.persons.edges.map(
        (e) => e.node.id,
      );
    expect(ids(sql)).toEqual(ids(project));
    // the rows carry the relations, not just names: some person has a household head and a house area
    expect(a.rows.some((r) => (JSON.parse(r) as unknown[]).slice(3).every((v) => v !== null))).toBe(true);
  });
});
