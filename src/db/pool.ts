import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';

/**
 * Counts the SQL statements a unit of work sends (a GraphQL request, a test), whoever sends them:
 * our own pool and Prisma's adapter both end in pg.Client#query. A query sent through Pool#query
 * is counted when it is called, in the caller's context: the pool may run it later from another
 * request's callback (when that request frees a connection), which would count it there.
 */
export const statementCounter = new AsyncLocalStorage<{ count: number }>();

const COUNTED = Symbol('yibiao.counted');
type Proto = { query: (...args: unknown[]) => unknown; __counted?: boolean };

function count(): void {
  const store = statementCounter.getStore();
  if (store) store.count++;
}

const clientProto = pg.Client.prototype as unknown as Proto;
if (!clientProto.__counted) {
  const clientQuery = clientProto.query;
  clientProto.query = function countedClientQuery(this: unknown, ...args: unknown[]) {
    const first = args[0] as { [COUNTED]?: boolean } | null;
    if (!(first && typeof first === 'object' && first[COUNTED])) count();
    return clientQuery.apply(this, args);
  };
  clientProto.__counted = true;

  const poolProto = pg.Pool.prototype as unknown as Proto;
  const poolQuery = poolProto.query;
  poolProto.query = function countedPoolQuery(this: unknown, ...args: unknown[]) {
    const [text, ...rest] = args;
    if (typeof text === 'function') return poolQuery.apply(this, args);
    count();
    // mark the statement so the client it lands on does not count it a second time
    const marked =
      typeof text === 'string'
        ? { text, values: Array.isArray(rest[0]) ? rest.shift() : undefined, [COUNTED]: true }
        : Object.assign(Object.create(Object.getPrototypeOf(text) as object) as object, text, {
            [COUNTED]: true,
          });
    return poolQuery.apply(this, [marked, ...rest]);
  };
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
