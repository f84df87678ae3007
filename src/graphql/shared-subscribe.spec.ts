import { UNRESTRICTED } from '../auth/scope';
import { createClient, Client } from 'graphql-ws';
import WebSocket from 'ws';
import { openTestDb, TestDb } from '../../test/harness';
import { buildTerritory, T } from '../../test/factories';
import { toGlobalId } from './global-id';
import { RunningServer, startServer } from '../server';

/** Identical subscriptions in one process share one execution per event; resuming ones do not. */
let db: TestDb;
let server: RunningServer;
const clients: Client[] = [];
/** connection_init payloads: a street worker, community A's and community B's staff. */
let street: Record<string, string>;
let staffA: Record<string, string>;
let staffB: Record<string, string>;
/** An API key of community B that carries the same name as community A's account. */
let keyB: Record<string, string>;

beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
  db.services.cases.scheduler = undefined;
  const auth = db.services.auth;
  await auth.createAccount({ name: 'street', role: 'STREET_STAFF', areaCodes: [T.street] }, 'test');
  await auth.createAccount({ name: 'staff-a', role: 'COMMUNITY_STAFF', areaCodes: [T.communityA] }, 'test');
  await auth.createAccount({ name: 'staff-b', role: 'COMMUNITY_STAFF', areaCodes: [T.communityB] }, 'test');
  const bearer = async (name: string) => ({ authorization: `Bearer ${(await auth.issueToken(name)).token}` });
  street = await bearer('street');
  staffA = await bearer('staff-a');
  staffB = await bearer('staff-b');
  const key = await auth.createApiKey(
    { name: 'staff-a', scopes: ['record:read'], areaCodes: [T.communityB], expiresInDays: 1 },
    'test',
  );
  keyB = { 'x-api-key': key.key };
  server = await startServer(db.services, { port: 0, host: '127.0.0.1', log: () => undefined });
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await server.close();
  await db.close();
});

const SUB = `subscription($a: String!, $after: Int) { caseUpdated(areaCode: $a, after: $after) { seq action caseId } }`;

function listen(variables: Record<string, unknown>, credentials: Record<string, string> = street) {
  const client = createClient({
    url: `ws://127.0.0.1:${server.port}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: credentials,
  });
  clients.push(client);
  const got: { seq: number; action: string; caseId: string }[] = [];
  const stop = client.subscribe(
    { query: SUB, variables },
    {
      next: (v) =>
        void got.push(
          (v.data as { caseUpdated: { seq: number; action: string; caseId: string } }).caseUpdated,
        ),
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
  resumed.stop();
  await until(() => live.localSubscribers('CASE_UPDATED') === 0, 'the resumed one closes');
});

it('shares execution only between subscribers of the same viewer and scope: each gets only its own events', async () => {
  const live = db.services.live;
  const base = live.localSubscribers('CASE_UPDATED');
  // the same document and variables from four connections: two of community A's account, one of
  // community B's account and one of a community-B key that carries community A's account name
  const a = [listen({ a: T.street }, staffA), listen({ a: T.street }, staffA)];
  const b = listen({ a: T.street }, staffB);
  const key = listen({ a: T.street }, keyB);
  await until(() => live.localSubscribers('CASE_UPDATED') === base + 3, 'one execution per viewer and scope');
  const report = (location: typeof T.inA1, description: string) =>
    db.services.cases.report(
      { categoryCode: 'L0201', description, location, channel: 'APP' },
      { name: 's', scope: UNRESTRICTED },
    );
  const inA = await report(T.inA1, '社区甲的马蜂窝');
  const inB = await report(T.inB1, '社区乙的马蜂窝');
  await until(
    () => a.every((s) => s.got.length === 1) && b.got.length === 1 && key.got.length === 1,
    'each viewer gets one event',
  );
  // a second report in each community, so a leak would have had every chance to arrive
  const inA2 = await report(T.inA2, '社区甲的第二处');
  const inB2 = await report(T.inB1, '社区乙的第二处');
  await until(
    () => a.every((s) => s.got.length === 2) && b.got.length === 2 && key.got.length === 2,
    'each viewer gets its second event',
  );
  const ids = (got: { caseId: string }[]) => got.map((e) => e.caseId);
  for (const s of a) expect(ids(s.got)).toEqual([toGlobalId('Case', inA.id), toGlobalId('Case', inA2.id)]);
  for (const s of [b, key])
    expect(ids(s.got)).toEqual([toGlobalId('Case', inB.id), toGlobalId('Case', inB2.id)]);
  for (const s of [...a, b, key]) s.stop();
});

it('serialises each shared event once for all its subscribers, each still getting its own well-formed message', async () => {
  const live = db.services.live;
  // no other subscription of this process may see the event (it would serialise it for itself)
  await until(() => live.localSubscribers('CASE_UPDATED') === 0, 'the earlier tests closed theirs');
  const subs = [
    listen({ a: T.street }),
    listen({ a: T.street }),
    listen({ a: T.street }),
    listen({ a: T.street }),
  ];
  await until(() => live.localSubscribers('CASE_UPDATED') === 1, 'one shared subscription');
  // every JSON text that carries this event's data, made anywhere in this process (server side:
  // the subscribers' clients are graphql-ws clients that parse, never stringify, what they receive)
  const stringify = JSON.stringify;
  let texts = 0;
  const spy = jest.spyOn(JSON, 'stringify').mockImplementation(function (this: unknown, ...args) {
    const out = stringify.apply(JSON, args as Parameters<typeof stringify>);
    if (typeof out === 'string' && out.includes('"caseUpdated"')) texts++;
    return out;
  } as typeof stringify);
  try {
    const c = await db.services.cases.report(
      { categoryCode: 'L0201', description: '单次序列化', location: T.inA1, channel: 'APP' },
      { name: 's', scope: UNRESTRICTED },
    );
    await until(() => subs.every((s) => s.got.length === 1), 'all four get the event');
    expect(subs.map((s) => s.got[0].caseId)).toEqual(Array(4).fill(toGlobalId('Case', c.id)));
    expect(subs.map((s) => s.got[0].action)).toEqual(Array(4).fill('REPORT'));
  } finally {
    spy.mockRestore();
  }
  // one text for four subscribers (graphql-ws alone would stringify one message per subscriber)
  expect(texts).toBe(1);
  for (const s of subs) s.stop();
});
