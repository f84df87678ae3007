import type pg from 'pg';
import { openTestDb, type TestDb } from '../../test/harness';
import { arrayLiteral } from './params';

describe('arrayLiteral', () => {
  let db: TestDb;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await openTestDb();
    pool = db.services.pool;
  });
  afterAll(() => db.close());

  it('reaches PostgreSQL as exactly the strings it was given', async () => {
    const values = [
      '王建国',
      'a,b',
      '{braces}',
      ' spaced ',
      'NULL',
      '',
      'quote " and backslash \\ and \\"',
      'tab\tnew\nline',
      '𠮷 beyond the BMP',
      null,
    ];
    const { rows } = await pool.query<{ a: (string | null)[] }>('SELECT $1::text[] AS a', [
      arrayLiteral(values),
    ]);
    expect(rows[0].a).toEqual(values);
    const empty = await pool.query<{ n: number }>('SELECT cardinality($1::text[]) AS n', [arrayLiteral([])]);
    expect(empty.rows[0].n).toBe(0);
  });

  it('joins elements that need no escaping as they are, and still sends them intact', async () => {
    const values = ['a,b', '{braces}', ' spaced ', 'NULL', '', '王建国'];
    expect(arrayLiteral(values)).toBe('{"a,b","{braces}"," spaced ","NULL","","王建国"}');
    const { rows } = await pool.query<{ a: string[] }>('SELECT $1::text[] AS a', [arrayLiteral(values)]);
    expect(rows[0].a).toEqual(values);
  });

  it('casts to other element types as an array would', async () => {
    const { rows } = await pool.query<{ d: string[] }>('SELECT $1::date[]::text[] AS d', [
      arrayLiteral(['1990-01-01', '2000-02-29']),
    ]);
    expect(rows[0].d).toEqual(['1990-01-01', '2000-02-29']);
  });
});
