import { openTestDb, TestDb } from '../../test/harness';
import { withTransaction } from './pool';
import { copyJson, copyRows, copyText, copyValue } from './copy';

/** COPY rows are encoded into fixed-size buffers: rows must survive every buffer boundary intact. */
describe('copyRows', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => {
    await db.close();
  });

  it('lands many multi-byte rows, escapes and NULLs exactly as given, across buffer boundaries', async () => {
    // rows of varying width (1- to 4-byte UTF-8 characters), so boundaries fall everywhere
    const rows: { id: number; text: string; json: unknown }[] = Array.from({ length: 6000 }, (_, i) => ({
      id: i,
      text: `${'张三李四'.repeat(i % 13)}\t𠀀\\${i}\n回车\r`,
      json: i % 7 === 0 ? null : { 家庭住址: `兴安路${i}号`, n: i, tab: 'a\tb' },
    }));
    const big = { id: 6000, text: '长'.repeat(300_000), json: { k: '𠀀'.repeat(100_000) } };
    rows.push(big);
    await withTransaction(db.services.pool, async (client) => {
      await client.query('CREATE TEMP TABLE copy_probe (id int, t text, j jsonb) ON COMMIT DROP');
      await copyRows(
        client,
        'copy_probe',
        ['id', 't', 'j'],
        rows.map((r) => [copyValue(r.id), copyText(r.text), copyJson(r.json)]),
      );
      const { rows: got } = await client.query<{ id: number; t: string; j: unknown }>(
        'SELECT id, t, j FROM copy_probe ORDER BY id',
      );
      expect(got).toHaveLength(rows.length);
      got.forEach((g, i) => {
        expect(g.id).toBe(rows[i].id);
        expect(g.t).toBe(rows[i].text);
        expect(g.j).toEqual(rows[i].json);
      });
    });
  });
});
