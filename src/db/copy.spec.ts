import type pg from 'pg';
import { openTestDb, TestDb } from '../../test/harness';
import { withTransaction } from './pool';
import { copyJson, copyRows, copyText, copyValue, fromCopyField, SMALL_BATCH } from './copy';

/** `copyRows` writes the same values whether it sends COPY (large batches) or INSERT (small ones). */
let db: TestDb;
let client: pg.PoolClient;

beforeAll(async () => {
  db = await openTestDb();
  client = await db.services.pool.connect();
  await client.query(`CREATE TEMP TABLE t (n bigint, s text, j jsonb, at timestamptz, b boolean, x text)`);
});
afterAll(async () => {
  client.release();
  await db.close();
});

const COLUMNS = ['n', 's', 'j', 'at', 'b', 'x'];
/** Values that need every escape of COPY's text format, and NULLs. */
const tricky = (i: number): (string | number | boolean | object | null)[] => [
  i,
  `a\\b\tc\nd\re 王小\\N 二`,
  { note: 'tab\there', back: 'sla\\sh', i },
  new Date(Date.UTC(2026, 10, 24, 8, 0, i)).toISOString(),
  i % 2 === 0,
  i % 3 === 0 ? null : '\\N',
];
const encode = (v: (string | number | boolean | object | null)[]) => [
  copyValue(v[0]),
  copyText(v[1] as string),
  copyJson(v[2]),
  copyValue(v[3]),
  copyValue(v[4]),
  v[5] === null ? copyValue(null) : copyText(v[5] as string),
];

async function written(): Promise<unknown[][]> {
  const { rows } = await client.query<Record<string, unknown>>(
    `SELECT n::int AS n, s, j, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') AS at, b, x FROM t ORDER BY n`,
  );
  return rows.map((r) => COLUMNS.map((c) => r[c]));
}

it('decodes every escape of COPY text and NULL', () => {
  for (const s of ['plain', 'a\\b', 'tab\there', 'line\nbreak\r', '\\N', '', '王小二'])
    expect(fromCopyField(copyText(s))).toBe(s);
  expect(fromCopyField(copyValue(null))).toBeNull();
});

it('writes a small batch by one INSERT and a large one by COPY, with the same values', async () => {
  const sent: string[] = [];
  const query = client.query.bind(client);
  const spy = jest.spyOn(client, 'query').mockImplementation(((q: unknown, ...rest: unknown[]) => {
    sent.push(typeof q === 'string' ? q : String((q as { text?: string }).text ?? 'COPY stream'));
    return (query as (...a: unknown[]) => unknown)(q, ...rest);
  }) as typeof client.query);
  const small = Array.from({ length: SMALL_BATCH }, (_, i) => tricky(i));
  const large = Array.from({ length: SMALL_BATCH + 1 }, (_, i) => tricky(100 + i));
  // rows produced lazily, as a generator: the same decision by their number
  const lazySmall = Array.from({ length: 2 }, (_, i) => tricky(200 + i));
  const lazyLarge = Array.from({ length: 3 * SMALL_BATCH }, (_, i) => tricky(300 + i));
  function* lazily(values: ReturnType<typeof tricky>[]) {
    for (const v of values) yield encode(v);
  }
  try {
    await copyRows(client, 't', COLUMNS, small.map(encode));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^INSERT INTO t /);
    await copyRows(client, 't', COLUMNS, large.map(encode));
    expect(sent).toHaveLength(2);
    expect(sent[1]).not.toMatch(/^INSERT/);
    await copyRows(client, 't', COLUMNS, lazily(lazySmall));
    await copyRows(client, 't', COLUMNS, lazily(lazyLarge));
    await copyRows(client, 't', COLUMNS, lazily([]));
    expect(sent).toHaveLength(4);
    expect(sent[2]).toMatch(/^INSERT INTO t /);
    expect(sent[3]).not.toMatch(/^INSERT/);
  } finally {
    spy.mockRestore();
  }
  const expected = [...small, ...large, ...lazySmall, ...lazyLarge].map((v) => [
    v[0],
    v[1],
    v[2],
    (v[3] as string).slice(0, 19),
    v[4],
    v[5],
  ]);
  expect(await written()).toEqual(expected);
});

it('refuses a row whose field count does not match the columns', async () => {
  await expect(copyRows(client, 't', COLUMNS, [['1', 'x']])).rejects.toThrow(/2 fields for 6 columns/);
});

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
