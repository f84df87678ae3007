import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createClient, Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { openTestDb, TestDb } from '../../test/harness';
import { buildTerritory, T } from '../../test/factories';

/**
 * Two real server processes (`yibiao serve`) on one database and one Redis: a subscriber on one
 * receives what a mutation on the other caused, and a reconnecting subscriber resumes by sequence.
 */
const ROOT = path.resolve(__dirname, '../..');
const PREFIX = `live-${randomBytes(4).toString('hex')}`;
let db: TestDb;
const children: ChildProcess[] = [];
let portA: number;
let portB: number;
const clients: Client[] = [];
let token: string;

async function startServerProcess(): Promise<number> {
  const child = spawn(
    process.execPath,
    ['-r', './test/swc-register.js', 'src/cli/main.ts', 'serve', '--port', '0'],
    {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: db.url, QUEUE_PREFIX: PREFIX, HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  return new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /localhost:(\d+)\/graphql/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    let errText = '';
    child.stderr!.on('data', (b: Buffer) => (errText += b.toString()));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${errText}`)));
  });
}

beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
  // every request and subscription needs credentials; both processes accept the same token
  await db.services.auth.createAccount(
    { name: 'center', role: 'COMMAND_CENTER', areaCodes: [T.district] },
    'test',
  );
  token = (await db.services.auth.issueToken('center')).token;
  [portA, portB] = await Promise.all([startServerProcess(), startServerProcess()]);
}, 60000);
afterAll(async () => {
  for (const c of clients) await c.dispose();
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(
    children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)),
  );
  await db.close();
});

async function gql(port: number, query: string, variables: Record<string, unknown>) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data: Record<string, any>; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

/** Subscribes on a server; resolves once the server acknowledged the connection. */
async function subscribe(port: number, query: string, variables: Record<string, unknown>) {
  const client = createClient({
    url: `ws://127.0.0.1:${port}/graphql`,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}` },
  });
  clients.push(client);
  await new Promise<void>((resolve, reject) => {
    client.on('connected', () => resolve());
    client.on('error', reject);
  });
  const received: any[] = [];
  const waiters: (() => void)[] = [];
  const stop = client.subscribe(
    { query, variables },
    {
      next: (v) => {
        received.push(v.data);
        waiters.splice(0).forEach((w) => w());
      },
      error: (e) => {
        throw e;
      },
      complete: () => undefined,
    },
  );
  return {
    received,
    stop,
    client,
    async waitFor(n: number, ms = 10000) {
      const end = Date.now() + ms;
      while (received.length < n) {
        if (Date.now() > end)
          throw new Error(`got ${received.length} of ${n} events: ${JSON.stringify(received)}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
      return received;
    },
  };
}

const REPORT = `mutation($input: ReportCaseInput!) { reportCase(input: $input) { id } }`;
const STEP = `mutation($input: TransitionCaseInput!) { transitionCase(input: $input) { status } }`;
const CASE_SUB = `subscription($a: String!, $after: Int) { caseUpdated(areaCode: $a, after: $after) { seq caseId action toStatus areaCode } }`;
const report = (port: number, location: unknown) =>
  gql(port, REPORT, { input: { categoryCode: 'L0201', description: '马蜂窝', location, channel: 'APP' } });

/** Waits until a process holds its Redis subscription to a channel. */
async function subscribedProcesses(channel: string, want: number) {
  const redis = new Redis(process.env.REDIS_URL!);
  try {
    for (let i = 0; i < 100; i++) {
      const [, n] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
      if (Number(n) >= want) return Number(n);
      await new Promise((r) => setTimeout(r, 50));
    }
    return Number(((await redis.pubsub('NUMSUB', channel)) as [string, number])[1]);
  } finally {
    redis.disconnect();
  }
}

describe('live subscriptions across two server processes', () => {
  it('delivers a case step made on B to subscribers on A (one Redis subscription per process), subtree only', async () => {
    const onA = await subscribe(portA, CASE_SUB, { a: T.communityA });
    const moreOnA = await Promise.all([1, 2, 3].map(() => subscribe(portA, CASE_SUB, { a: T.street })));
    const onB = await subscribe(portB, CASE_SUB, { a: T.communityB });
    expect(await subscribedProcesses(`${PREFIX}:live:CASE_UPDATED`, 2)).toBe(2);

    const inA = await report(portB, T.inA1);
    const inB = await report(portB, T.inB1);
    await gql(portB, STEP, { input: { caseId: inA.reportCase.id, action: 'FILE' } });

    const a = await onA.waitFor(2);
    expect(a.map((d) => [d.caseUpdated.caseId, d.caseUpdated.action, d.caseUpdated.toStatus])).toEqual([
      [inA.reportCase.id, 'REPORT', 'REPORTED'],
      [inA.reportCase.id, 'FILE', 'FILED'],
    ]);
    for (const s of moreOnA)
      expect((await s.waitFor(3)).map((d) => d.caseUpdated.action)).toEqual(['REPORT', 'REPORT', 'FILE']);
    const b = await onB.waitFor(1);
    expect(b.map((d) => d.caseUpdated.caseId)).toEqual([inB.reportCase.id]);
    const seqs = (await moreOnA[0].waitFor(3)).map((d) => d.caseUpdated.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(3);
    // nothing twice, nothing from outside the subtree
    await new Promise((r) => setTimeout(r, 200));
    expect(onA.received).toHaveLength(2);
    expect(onB.received).toHaveLength(1);
  }, 30000);

  it('a subscriber that reconnects with the last sequence number gets what it missed, then live events', async () => {
    const first = await subscribe(portA, CASE_SUB, { a: T.street });
    const c = await report(portB, T.inA2);
    const [seen] = await first.waitFor(1);
    await first.client.dispose();
    // missed while away
    await gql(portB, STEP, { input: { caseId: c.reportCase.id, action: 'FILE' } });
    await gql(portB, STEP, { input: { caseId: c.reportCase.id, action: 'DISPATCH' } });
    const again = await subscribe(portB, CASE_SUB, { a: T.street, after: seen.caseUpdated.seq });
    await again.waitFor(2);
    await gql(portA, STEP, { input: { caseId: c.reportCase.id, action: 'CLAIM' } });
    const got = await again.waitFor(3);
    expect(got.map((d) => d.caseUpdated.action)).toEqual(['FILE', 'DISPATCH', 'CLAIM']);
    expect(got.map((d) => d.caseUpdated.seq).every((s, i, all) => i === 0 || s > all[i - 1])).toBe(true);
    expect(got[0].caseUpdated.seq).toBeGreaterThan(seen.caseUpdated.seq);
  }, 30000);

  it('gridUpdated tells an area about a resident added on the other process', async () => {
    const sub = await subscribe(
      portA,
      `subscription($a: String!) { gridUpdated(areaCode: $a) { seq type op areaCode previousAreaCode fields } }`,
      { a: T.communityB },
    );
    await subscribedProcesses(`${PREFIX}:live:GRID_UPDATED`, 1);
    const created = await gql(
      portB,
      `mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }`,
      {
        input: {
          name: '李四',
          idNumber: null,
          birthDate: '1990-01-01',
          gender: 'FEMALE',
          areaCode: T.gridB1,
        },
      },
    );
    const [e] = await sub.waitFor(1);
    expect(e.gridUpdated).toMatchObject({ type: 'Person', op: 'CREATE', areaCode: T.gridB1 });
    // moving out of community B is news for community B too
    await gql(
      portA,
      `mutation($id: ID!, $input: UpdatePersonInput!) { updatePerson(id: $id, input: $input) { person { id } } }`,
      {
        id: created.createPerson.person.id,
        input: { areaCode: T.gridA1 },
      },
    );
    const moved = (await sub.waitFor(2))[1].gridUpdated;
    expect(moved).toMatchObject({
      type: 'Person',
      op: 'UPDATE',
      areaCode: T.gridA1,
      previousAreaCode: T.gridB1,
    });
    expect(moved.fields).toContain('areaCode');
  }, 30000);
});
