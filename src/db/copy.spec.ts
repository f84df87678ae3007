import type pg from 'pg';
import { openTestDb, TestDb } from '../../test/harness';
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
