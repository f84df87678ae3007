import pg from 'pg';
import { openTestDb, TestDb } from '../test/harness';
import { buildTerritory, T } from '../test/factories';
import type { Services } from './app/services';
import { DeadlinePassedError } from './db/pool';
import { RunningServer, startServer } from './server';
import { testLog } from '../test/log-capture';

/**
 * The execution timeout through the real server: the answer is a 503 EXECUTION_TIMEOUT, and the
 * request's slow statement stops running in PostgreSQL when the answer leaves.
 */
let db: TestDb;
let server: RunningServer;
let token: string;
let watcher: pg.Client;
/** What the slow resolver saw when it tried a further statement after its deadline. */
let afterDeadline: unknown = 'not tried';

const TIMEOUT_MS = 600;
const SLEEP = 'SELECT pg_sleep(20) /* slow-test */';

beforeAll(async () => {
  db = await openTestDb({ poolSize: 2 });
  await buildTerritory(db.services);
  await db.services.auth.createAccount(
    { name: 'center', role: 'COMMAND_CENTER', areaCodes: [T.district] },
    'test',
  );
  token = (await db.services.auth.issueToken('center')).token;
  // a test-only hook: this server's person list runs a 20-second statement, then tries another
  const persons = Object.create(db.services.persons) as Services['persons'];
  persons.list = async () => {
    await db.services.pool.query(SLEEP).catch(() => undefined);
    afterDeadline = await db.services.pool.query('SELECT 1 AS late').then(
      () => 'sent',
      (e: unknown) => e,
    );
    return { nodes: [], totalCount: 0, hasNextPage: false, endCursor: null } as never;
  };
  server = await startServer(
    { ...db.services, persons, config: { ...db.services.config, EXECUTION_TIMEOUT_MS: TIMEOUT_MS } },
    { port: 0, host: '127.0.0.1', log: testLog },
  );
  watcher = new pg.Client({ connectionString: db.url });
  await watcher.connect();
});
afterAll(async () => {
  await watcher.end();
  await server.close();
  await db.close();
});

async function slowStatements(): Promise<number> {
  const r = await watcher.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND state = 'active' AND query LIKE '%slow-test%'
        AND pid <> pg_backend_pid()`,
  );
  return r.rows[0].n as number;
}

async function waitFor(what: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (await what()) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

function post(query: string) {
  return fetch(`http://127.0.0.1:${server.port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
}

describe('the execution timeout through the server', () => {
  it('answers 503 EXECUTION_TIMEOUT and cancels the slow statement in PostgreSQL', async () => {
    const started = Date.now();
    const pending = post('{ persons { totalCount edges { node { name } } } }');
    // the slow statement is running in PostgreSQL while the request waits
    expect(await waitFor(async () => (await slowStatements()) === 1, 5_000)).toBe(true);
    const res = await pending;
    const elapsed = Date.now() - started;
    expect(res.status).toBe(503);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('EXECUTION_TIMEOUT');
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS);
    expect(elapsed).toBeLessThan(5_000);
    // after the answer, the statement no longer runs (it would for 20 s without the cancel)
    expect(await waitFor(async () => (await slowStatements()) === 0, 2_000)).toBe(true);
    // and the resolver's further statement was refused without reaching PostgreSQL
    expect(await waitFor(async () => afterDeadline !== 'not tried', 2_000)).toBe(true);
    expect(afterDeadline).toBeInstanceOf(DeadlinePassedError);
  });

  it('serves the next request normally on the same pool', async () => {
    const res = await post(`{ area(code: "${T.district}") { name } }`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { area: { name: string } } };
    expect(body.data.area.name).toBeTruthy();
  });
});
