import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { openTestDb, TestDb } from '../../test/harness';
import { buildTerritory, T } from '../../test/factories';
import { RunningServer, startServer } from '../server';
import { SLOW_CONSUMER } from './ws-server';

/** A subscriber that stops reading is closed (1013) once its unsent bytes pass the limit; others go on. */
let db: TestDb;
let server: RunningServer;
let token: string;

beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
  await db.services.auth.createAccount(
    { name: 'street', role: 'STREET_STAFF', areaCodes: [T.street] },
    'test',
  );
  token = (await db.services.auth.issueToken('street')).token;
  db.services.config.WS_MAX_BUFFERED_BYTES = 64 * 1024;
  server = await startServer(db.services, { port: 0, host: '127.0.0.1', log: () => undefined });
});
afterAll(async () => {
  await server.close();
  await db.close();
});

/** A raw graphql-transport-ws subscriber of caseUpdated over the street; resolves once subscribed. */
async function subscriber() {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/graphql`, 'graphql-transport-ws');
  const got: number[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () =>
      ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })),
    );
    ws.on('message', (raw: Buffer) => {
      const m = JSON.parse(raw.toString()) as {
        type: string;
        payload?: { data: { caseUpdated: { seq: number } } };
      };
      if (m.type === 'connection_ack') {
        ws.send(
          JSON.stringify({
            id: '1',
            type: 'subscribe',
            payload: {
              query: 'subscription($a: String!) { caseUpdated(areaCode: $a) { seq action } }',
              variables: { a: T.street },
            },
          }),
        );
        resolve();
      } else if (m.type === 'next') got.push(m.payload!.data.caseUpdated.seq);
    });
    ws.once('error', reject);
  });
  return { ws, got, closed };
}

it('closes a subscriber that stops reading with 1013 and keeps delivering to one that reads', async () => {
  const live = db.services.live;
  const slow = await subscriber();
  const fast = await subscriber();
  for (let i = 0; i < 200 && live.localSubscribers('CASE_UPDATED') < 1; i++)
    await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, 200)); // both subscriptions attached
  const socket = (slow.ws as unknown as { _socket: Socket })._socket;
  socket.pause(); // the slow client stops reading: the kernel's buffers fill, then the server's

  // 120 events of ~100 kB each: ~12 MB, far more than the kernel buffers and the 64 kB limit
  const events = 120;
  const big = 'X'.repeat(100_000);
  for (let i = 0; i < events; i++)
    await live.publish('CASE_UPDATED', {
      caseId: 1,
      districtCode: T.district,
      areaCode: T.gridA1,
      action: big,
      fromStatus: 'DISPATCHED',
      toStatus: 'DISPATCHED',
      recordedAt: new Date().toISOString(),
    });
  for (let i = 0; i < 400 && fast.got.length < events; i++) await new Promise((r) => setTimeout(r, 25));
  expect(fast.got).toHaveLength(events);
  expect(new Set(fast.got).size).toBe(events);

  socket.resume(); // it reads what was sent before the cut, then the close frame
  const closed = await slow.closed;
  expect(closed.code).toBe(SLOW_CONSUMER.code);
  expect(slow.got.length).toBeLessThan(events);
  // what it did get is the start of the stream, in order: it resumes with `after` its last seq
  expect(slow.got).toEqual(fast.got.slice(0, slow.got.length));
  fast.ws.close();
});
