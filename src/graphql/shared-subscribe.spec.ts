import { UNRESTRICTED } from '../auth/scope';
import { createClient, Client } from 'graphql-ws';
import WebSocket from 'ws';
import { openTestDb, TestDb } from '../../test/harness';
import { buildTerritory, T } from '../../test/factories';
import { RunningServer, startServer } from '../server';

/** Identical subscriptions in one process share one execution per event; resuming ones do not. */
let db: TestDb;
let server: RunningServer;
const clients: Client[] = [];
let token: string;

beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
  db.services.cases.scheduler = undefined;
  server = await startServer(db.services, { port: 0, host: '127.0.0.1', log: () => undefined });
  // subscriptions need credentials in connection_init; every subscriber here is the same actor
  await db.services.auth.createAccount(
    { name: 'center', role: 'COMMAND_CENTER', areaCodes: [T.district] },
    'test',
  );
  token = (await db.services.auth.issueToken('center')).token;
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await server.close();
  await db.close();
});

const SUB = `subscription($a: String!, $after: Int) { caseUpdated(areaCode: $a, after: $after) { seq action caseId } }`;

function listen(variables: Record<string, unknown>) {
  const client = createClient({
    url: `ws://127.0.0.1:${server.port}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}` },
  });
  clients.push(client);
  const got: { seq: number; action: string }[] = [];
  const stop = client.subscribe(
    { query: SUB, variables },
    {
      next: (v) => void got.push((v.data as { caseUpdated: { seq: number; action: string } }).caseUpdated),
      error: () => undefined,
      complete: () => undefined,
    },
  );
  return { got, stop };
}

async function until(cond: () => boolean, what: string) {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!cond()) throw new Error(`timed out: ${what}`);
}

it('shares one underlying subscription between identical subscribers and keeps resuming ones apart', async () => {
  const live = db.services.live;
  const same = [listen({ a: T.street }), listen({ a: T.street }), listen({ a: T.street })];
  await until(() => live.localSubscribers('CASE_UPDATED') === 1, 'one shared subscription');
  const report = () =>
    db.services.cases.report(
      { categoryCode: 'L0201', description: '马蜂窝', location: T.inA1, channel: 'APP' },
      { name: 's', scope: UNRESTRICTED },
    );
  await report();
  await until(() => same.every((s) => s.got.length === 1), 'all three get the event');
  const seq = same[0].got[0].seq;
  expect(same.map((s) => s.got[0].seq)).toEqual([seq, seq, seq]);

  await report();
  const resumed = listen({ a: T.street, after: seq }); // replays the second report on its own
  await until(() => resumed.got.length === 1, 'the replayed event');
  expect(live.localSubscribers('CASE_UPDATED')).toBe(2);

  same[0].stop();
  await report();
  await until(
    () => same[1].got.length === 3 && same[2].got.length === 3 && resumed.got.length === 2,
    'the rest keep receiving',
  );
  expect(same[0].got).toHaveLength(2);
  same[1].stop();
  same[2].stop();
  await until(
    () => live.localSubscribers('CASE_UPDATED') === 1,
    'the shared one closes with its last subscriber',
  );
});
