import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';

/**
 * The SQL of one unit of work (a GraphQL request, a test): how many statements it sent and, for a
 * request with a deadline, the connections running its statements right now, so that the deadline
 * can cancel them in PostgreSQL.
 */
export interface SqlScope {
  count: number;
  /**
   * Connections running (or queueing) this unit's statements, with how many each; present when
   * the unit can be expired.
   */
  active?: Map<pg.Client, number>;
  /** Set by `expireScope`: the unit's answer has left, so it sends no further statement. */
  expired?: boolean;
}

/**
 * Counts the SQL statements a unit of work sends (a GraphQL request, a test), whoever sends them:
 * our own pool and Prisma's adapter both end in pg.Client#query, and tracks the connections
 * running them. A statement sent through Pool#query carries the caller's scope with it: the pool
 * may run it later from another request's callback (when that request frees a connection).
 */
export const statementCounter = new AsyncLocalStorage<SqlScope>();

/** A statement refused because its request's deadline has passed (the answer has already left). */
export class DeadlinePassedError extends Error {
  constructor() {
    super('the request passed its execution timeout; no further statement is sent');
    this.name = 'DeadlinePassedError';
  }
}

const SCOPE = Symbol('yibiao.scope');
type Proto = { query: (...args: unknown[]) => unknown; __counted?: boolean };
type Marked = { [SCOPE]?: SqlScope | null };

/** Runs `fn` while `client` counts as busy with one of `scope`'s statements. */
function track(
  scope: SqlScope,
  client: pg.Client,
  args: unknown[],
  send: (a: unknown[]) => unknown,
): unknown {
  const active = scope.active!;
  active.set(client, (active.get(client) ?? 0) + 1);
  const done = () => {
    const left = (active.get(client) ?? 1) - 1;
    if (left > 0) active.set(client, left);
    else active.delete(client);
  };
  const last = args.length - 1;
  if (typeof args[last] === 'function') {
    const cb = args[last] as (...r: unknown[]) => void;
    const copy = args.slice();
    copy[last] = (...r: unknown[]) => {
      done();
      cb(...r);
    };
    return send(copy);
  }
  const result = send(args);
  if (result && typeof (result as Promise<unknown>).then === 'function')
    (result as Promise<unknown>).then(done, done);
  else done(); // a submittable (cursor, stream): not tracked
  return result;
}

const clientProto = pg.Client.prototype as unknown as Proto;
if (!clientProto.__counted) {
  const clientQuery = clientProto.query;
  clientProto.query = function countedClientQuery(this: pg.Client, ...args: unknown[]) {
    const first = args[0] as Marked | null;
    const marked = !!first && typeof first === 'object' && SCOPE in first;
    const scope = marked ? first[SCOPE] : statementCounter.getStore();
    if (!marked && scope) scope.count++;
    if (!scope?.active) return clientQuery.apply(this, args);
    return track(scope, this, args, (a) => clientQuery.apply(this, a));
  };
  clientProto.__counted = true;

  const poolProto = pg.Pool.prototype as unknown as Proto;
  const poolQuery = poolProto.query;
  poolProto.query = function countedPoolQuery(this: unknown, ...args: unknown[]) {
    const [text, ...rest] = args;
    if (typeof text === 'function') return poolQuery.apply(this, args);
    const scope = statementCounter.getStore() ?? null;
    if (scope?.expired) {
      const err = new DeadlinePassedError();
      const cb = rest[rest.length - 1];
      if (typeof cb === 'function') {
        process.nextTick(() => (cb as (e: Error) => void)(err));
        return undefined;
      }
      return Promise.reject(err);
    }
    if (scope) scope.count++;
    // the statement carries its scope to the client it lands on (counted once, tracked there)
    const marked =
      typeof text === 'string'
        ? { text, values: Array.isArray(rest[0]) ? rest.shift() : undefined, [SCOPE]: scope }
        : Object.assign(Object.create(Object.getPrototypeOf(text) as object) as object, text, {
            [SCOPE]: scope,
          });
    // a pool made with prepared statements off sends every statement unnamed (see createPool)
    if ((this as { options?: PoolOptions }).options?.unnamedStatements)
      delete (marked as { name?: string }).name;
    return poolQuery.apply(this, [marked, ...rest]);
  };
}

/**
 * Ends a unit of work whose answer has left (its execution timeout): no further statement of it
 * goes through a pool, and every statement it is running is cancelled in PostgreSQL (a cancel
 * request on a connection of its own, so a pool full of slow statements cannot hold it up).
 */
export function expireScope(scope: SqlScope): void {
  scope.expired = true;
  // (PostgreSQL's cancel is asynchronous: a statement that ends in the meantime is unaffected,
  // though a later statement on that connection could be hit within the same instant)
  for (const client of scope.active?.keys() ?? []) cancelBackend(client);
  scope.active?.clear();
}

/** pg's wire connection, with the two calls a cancel request needs (not in its type definitions). */
type CancelConnection = pg.Connection & {
  connect(port: number | string, host?: string): void;
  cancel(processID: number, secretKey: number): void;
};

function cancelBackend(client: pg.Client): void {
  const c = client as pg.Client & { processID: number | null; secretKey: number | null };
  const { processID, secretKey } = c;
  if (processID === null || secretKey === null) return;
  const con = new pg.Connection() as CancelConnection;
  con.on('error', () => undefined); // the server closes the cancel connection itself
  con.on('connect', () => con.cancel(processID, secretKey));
  if (client.host?.startsWith('/')) con.connect(`${client.host}/.s.PGSQL.${client.port}`);
  else con.connect(client.port, client.host);
}

/** pg's pool options, and whether this pool sends every statement unnamed (see createPool). */
type PoolOptions = pg.PoolConfig & { unnamedStatements?: boolean };

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const TIMESTAMPTZ = 1184;

const parseTimestamptzSlowly = pg.types.getTypeParser(TIMESTAMPTZ, 'text') as (v: string) => Date;

/**
 * A timestamptz as PostgreSQL writes it (ISO DateStyle: `2026-11-24 19:41:54.324+00`, fraction
 * and offset minutes optional), read by position instead of pg-types' general parser (a regular
 * expression and its match array for each value: a page of rows carries six timestamps a row).
 * Anything else (BC, infinity, a five-digit year, offset seconds) goes to pg-types' parser.
 */
export function parseTimestamptz(v: string): Date {
  const n = v.length;
  const digit = (i: number) => v.charCodeAt(i) - 48;
  const two = (i: number) => digit(i) * 10 + digit(i + 1);
  if (n < 22 || v.charCodeAt(4) !== 45 || v.charCodeAt(10) !== 32 || v.charCodeAt(13) !== 58)
    return parseTimestamptzSlowly(v);
  let i = 19;
  let ms = 0;
  if (v.charCodeAt(i) === 46) {
    // fraction: milliseconds are kept, finer digits dropped (as a JavaScript Date holds them)
    i++;
    let scale = 100;
    while (i < n && v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57) {
      ms += digit(i) * scale;
      scale /= 10;
      i++;
    }
    ms = Math.floor(ms);
  }
  const sign = v.charCodeAt(i) === 43 ? 1 : v.charCodeAt(i) === 45 ? -1 : 0;
  const rest = n - i - 1;
  if (sign === 0 || (rest !== 2 && rest !== 5) || (rest === 5 && v.charCodeAt(i + 3) !== 58))
    return parseTimestamptzSlowly(v);
  const offsetMinutes = sign * (two(i + 1) * 60 + (rest === 5 ? two(i + 4) : 0));
  const year = digit(0) * 1000 + digit(1) * 100 + two(2);
  if (year < 100) return parseTimestamptzSlowly(v); // Date.UTC would read 0–99 as 1900–1999
  const utc = Date.UTC(year, two(5) - 1, two(8), two(11), two(14), two(17), ms) - offsetMinutes * 60_000;
  return Number.isNaN(utc) ? parseTimestamptzSlowly(v) : new Date(utc);
}

/**
 * Type parsers for our own pool: bigint ids as numbers (safe below 2^53), dates as YYYY-MM-DD
 * strings, timestamps by `parseTimestamptz`.
 */
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8) return (v: string) => Number(v);
    if (oid === NUMERIC) return (v: string) => Number(v);
    if (oid === DATE) return (v: string) => v;
    if (oid === TIMESTAMPTZ) return parseTimestamptz;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/**
 * A connection pool for the ledger's own SQL. `statementTimeoutMs` (0: none) is every
 * connection's statement_timeout: PostgreSQL ends a statement that runs longer, whoever sent it.
 * `idleTimeoutMs` (0: never) is how long an unused connection stays open. `preparedStatements`
 * false sends named statements unnamed (parsed and planned each time), for a connection pooler
 * that cannot keep a session's prepared statements (PgBouncer before 1.21 in transaction mode).
 */
export function createPool(
  connectionString: string,
  max = 10,
  statementTimeoutMs = 0,
  idleTimeoutMs = 60_000,
  preparedStatements = true,
): pg.Pool {
  const options: PoolOptions = {
    connectionString,
    max,
    idleTimeoutMillis: idleTimeoutMs,
    types: types as pg.CustomTypesConfig,
    ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs } : {}),
    unnamedStatements: !preparedStatements,
  };
  const pool = new pg.Pool(options);
  pool.on('error', (err) => {
    // an idle client lost its connection; the pool replaces it
    process.stderr.write(`postgres pool error: ${err.message}\n`);
  });
  return pool;
}

/** Anything that can run a query: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

/**
 * Opens a write transaction, in one round trip, without JIT compilation: its statements touch a
 * batch of rows by key, which JIT never pays off for, but a bulk load outruns the statistics and
 * the planner's inflated estimates then crossed `jit_above_cost` (an ingest spent 1.7 s of every
 * 100,000 rows compiling the row locks of a few existing households and houses).
 */
export const BEGIN_WRITE = 'BEGIN; SET LOCAL jit = off';

/** Runs `fn` inside one transaction on one client; rolls back on any error. */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(BEGIN_WRITE);
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
