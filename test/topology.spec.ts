import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { createClient, Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { openTestDb, TestDb } from './harness';
import { buildTerritory, T } from './factories';
import { startRoundRobinProxy, RoundRobinProxy } from './round-robin-proxy';

/**
 * The production topology on one machine: two stateless API replicas (`yibiao serve`) behind a
 * round-robin proxy with no stickiness, and the three workers as separate processes (`yibiao
 * worker`, `yibiao ingest-worker`, `yibiao report --worker`), all sharing one PostgreSQL database,
 * one Redis and one file store. A roster uploaded through one replica is run by the ingest
 * worker, a subscriber on the other replica receives its changes, and the report worker
 * generates a form that either replica serves.
 */
const ROOT = path.resolve(__dirname, '..');
const PREFIX = `{topology-${randomBytes(4).toString('hex')}}`;
const STORAGE = fs.mkdtempSync(path.join(os.tmpdir(), 'yibiao-topology-'));

let db: TestDb;
let proxy: RoundRobinProxy;
let credentials: { authorization: string };
const children: { role: string; child: ChildProcess; log: string[] }[] = [];
const clients: Client[] = [];
let replicas: number[] = [];

/** Starts one `yibiao` process from the sources; resolves with the line that says it is ready. */
function startProcess(role: string, args: string[], ready: RegExp): Promise<RegExpExecArray> {
  const child = spawn(process.execPath, ['-r', './test/swc-register.js', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      QUEUE_PREFIX: PREFIX,
      HOST: '127.0.0.1',
      // the upload is stored by a replica and read by the ingest worker; the report file is
      // written by the report worker and sent by a replica: one shared store (a shared volume
      // or network file system in production)
      INGEST_STORAGE_DIR: path.join(STORAGE, 'ingest'),
      REPORTS_DIR: path.join(STORAGE, 'reports'),
      DB_POOL_SIZE: '4',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  children.push({ role, child, log });
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (b: Buffer) => {
      text += b.toString();
      log.push(b.toString());
      const m = ready.exec(text);
      if (m) resolve(m);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}: ${text}`)));
  });
}

beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
  await db.services.auth.createAccount(
    { name: 'center', role: 'COMMAND_CENTER', areaCodes: [T.district] },
    'test',
  );
  credentials = { authorization: `Bearer ${(await db.services.auth.issueToken('center')).token}` };
  const serve = (name: string) =>
    startProcess(name, ['serve', '--port', '0'], /localhost:(\d+)\/graphql/).then((m) => Number(m[1]));
  const started = await Promise.all([
    serve('replica A'),
    serve('replica B'),
    startProcess('case worker', ['worker'], /yibiao worker ready/),
    startProcess('ingest worker', ['ingest-worker'], /ingest worker started/),
    startProcess('report worker', ['report', '--worker'], /report worker running/),
  ]);
  replicas = [started[0], started[1]];
  proxy = await startRoundRobinProxy(replicas);
}, 120_000);

afterAll(async () => {
  for (const c of clients) await c.dispose();
  await proxy?.close();
  for (const { child } of children) child.kill('SIGTERM');
  await Promise.all(
    children.map(({ child }) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null)),
  );
  await db.close();
  fs.rmSync(STORAGE, { recursive: true, force: true });
});

const viaProxy = (p: string) => `http://127.0.0.1:${proxy.port}${p}`;

async function gql(query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(viaProxy('/graphql'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...credentials },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data: Record<string, any>; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 45_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('two API replicas behind a round-robin proxy, with separate worker processes', () => {
  jest.setTimeout(90_000);

  it('every worker is a separate process attached to its shared queue', async () => {
    const redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
    try {
      for (const name of ['cases', 'ingest', 'reports']) {
        const q = new Queue(name, { connection: redis, prefix: PREFIX });
        expect([name, await q.getWorkersCount()]).toEqual([name, 1]);
        await q.close();
      }
    } finally {
      redis.disconnect();
    }
    const pids = new Set(children.map((c) => c.child.pid));
    expect(pids.size).toBe(5);
  });

  it('an upload through one replica, run by the ingest worker, reaches a subscriber on the other; the report worker makes the form', async () => {
    // the subscription's upgrade goes to one replica...
    const subscribedAt = proxy.hits.length;
    const client = createClient({
      url: `ws://127.0.0.1:${proxy.port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: credentials,
      lazy: false,
      retryAttempts: 0,
    });
    clients.push(client);
    const persons = new Set<string>();
    let error: unknown;
    client.subscribe<{ gridUpdated: { type: string; id: string; op: string; seq: number } }>(
      {
        // after: 0 replays anything committed before the replica's Redis subscription was open
        query: `subscription($area: String!) { gridUpdated(areaCode: $area, after: 0) { type id op seq } }`,
        variables: { area: T.district },
      },
      {
        next: (v) => {
          const e = v.data!.gridUpdated;
          if (e.type === 'Person' && e.op === 'CREATE') persons.add(e.id);
        },
        error: (e) => (error = e),
        complete: () => undefined,
      },
    );
    await until('the subscription to be accepted', async () =>
      proxy.hits.length > subscribedAt ? true : undefined,
    );
    const subscriptionReplica = proxy.hits[subscribedAt];
    expect(subscriptionReplica.kind).toBe('ws');

    // ...and the upload to the other
    const form = new FormData();
    const file = path.join(ROOT, 'fixtures', 'ingest', 'civil-affairs-dibao.xlsx');
    form.append('file', new Blob([fs.readFileSync(file)]), 'civil-affairs-dibao.xlsx');
    const uploadedAt = proxy.hits.length;
    const res = await fetch(viaProxy(`/ingest/upload?profile=civil-affairs-dibao&areaCode=${T.street}`), {
      method: 'POST',
      body: form,
      headers: credentials,
    });
    expect(res.status).toBe(202);
    const { run } = (await res.json()) as { run: { id: string; status: string } };
    const uploadReplica = proxy.hits[uploadedAt];
    expect(uploadReplica).toMatchObject({ kind: 'http', method: 'POST' });
    expect(uploadReplica.backend).not.toBe(subscriptionReplica.backend);

    // the ingest worker (not a replica) runs it; the polls alternate between the replicas
    const pollsFrom = proxy.hits.length;
    const finished = await until('the ingest run to finish', async () => {
      const d = await gql(`query($id: ID!) { ingestRun(id: $id) { status landed personsCreated } }`, {
        id: run.id,
      });
      return ['SUCCEEDED', 'FAILED'].includes(d.ingestRun.status) ? d.ingestRun : undefined;
    });
    expect(finished.status).toBe('SUCCEEDED');
    expect(finished.personsCreated).toBeGreaterThan(0);
    expect(new Set(proxy.hits.slice(pollsFrom).map((h) => h.backend))).toEqual(new Set(replicas));

    // every person the worker created reached the subscriber on the other replica
    await until('the subscriber to hear of every new person', async () =>
      persons.size >= finished.personsCreated ? true : undefined,
    );
    expect(error).toBeUndefined();
    expect(persons.size).toBe(finished.personsCreated);
    const workerLog = children.find((c) => c.role === 'ingest worker')!.log.join('');
    expect(workerLog).not.toMatch(/error/i);

    // a form requested through a replica is generated by the report worker
    const { generateReport } = await gql(
      `mutation($area: String!) { generateReport(form: "minimum-living", period: "2026Q3", areaCode: $area) { id status } }`,
      { area: T.street },
    );
    expect(generateReport.status).toBe('QUEUED');
    const report = await until('the report worker to generate the form', async () => {
      const d = await gql(`query($id: ID!) { report(id: $id) { status downloadUrl figures error } }`, {
        id: generateReport.id,
      });
      return ['DONE', 'FAILED'].includes(d.report.status) ? d.report : undefined;
    });
    expect(report).toMatchObject({ status: 'DONE', error: null });
    expect(report.figures.rows.length).toBeGreaterThan(0);
    // either replica sends the file the worker wrote
    for (let i = 0; i < 2; i++) {
      const file = await fetch(viaProxy(report.downloadUrl), { headers: credentials });
      expect(file.status).toBe(200);
      expect(
        Buffer.from(await file.arrayBuffer())
          .subarray(0, 2)
          .toString(),
      ).toBe('PK');
    }
    const reportLog = children.find((c) => c.role === 'report worker')!.log.join('');
    expect(reportLog).toMatch(/report worker running/);
  });
});
