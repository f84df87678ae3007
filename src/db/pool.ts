import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';

/**
 * Counts the SQL statements a unit of work sends (a GraphQL request, a test), whoever sends them:
 * our own pool and Prisma's adapter both go through pg.Client#query, which is wrapped once here.
 */
export const statementCounter = new AsyncLocalStorage<{ count: number }>();

const clientProto = pg.Client.prototype as unknown as {
  query: (...args: unknown[]) => unknown;
  __counted?: boolean;
};
if (!clientProto.__counted) {
  const original = clientProto.query;
  clientProto.query = function countedQuery(this: unknown, ...args: unknown[]) {
    const store = statementCounter.getStore();
    if (store) store.count++;
    return original.apply(this, args);
  };
  clientProto.__counted = true;
}

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

/** Type parsers for our own pool: bigint ids as numbers (safe below 2^53), dates as YYYY-MM-DD strings. */
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8) return (v: string) => Number(v);
    if (oid === NUMERIC) return (v: string) => Number(v);
    if (oid === DATE) return (v: string) => v;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** A connection pool for the ledger's own SQL. */
export function createPool(connectionString: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, types: types as pg.CustomTypesConfig });
  pool.on('error', (err) => {
    // an idle client lost its connection; the pool replaces it
    process.stderr.write(`postgres pool error: ${err.message}\n`);
  });
  return pool;
}

/** Anything that can run a query: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

/** Runs `fn` inside one transaction on one client; rolls back on any error. */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
