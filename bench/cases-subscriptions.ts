import { UNRESTRICTED } from '../src/auth/scope';
/**
 * Subscription delivery benchmark, loopback only: two `yibiao serve` processes, CLIENTS graphql-ws
 * subscribers (half on each) to caseUpdated of the street, RATE case transitions per second for
 * SECONDS seconds sent alternately to both processes; then the same load through a raw Redis
 * pub/sub + ws fan-out baseline (two processes, same clients, same rate). Then each side's
 * saturation: events published as fast as possible for SAT_SECONDS, deliveries per second counted
 * at the clients. Checks that every event reached every subscriber exactly once. Prints the
 * figures as text, then as one JSON line.
 *
 *   eval "$(scripts/services.sh start)"; npm run build
 *   node dist/bench/cases-subscriptions.js [clients=2000] [rate=50] [seconds=60] [satSeconds=10]
 */
import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { createServices } from '../src/app/services';
import type { AreaInput } from '../src/geo/area.service';
import { benchDatabase, percentile } from './bench-db';
import { benchToken } from './persons-page.bench';

const [CLIENTS, RATE, SECONDS, SAT_SECONDS] = [2000, 50, 60, 10].map((d, i) =>
  Number(process.argv[2 + i] ?? d),
);
const ROOT = path.resolve(__dirname, '../..');
const STREET = '610902002';
const PREFIX = `bench-${process.pid}`;
const children: ChildProcess[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function spawnAndRead(args: string[], env: NodeJS.ProcessEnv, pattern: RegExp): Promise<number> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = pattern.exec(out);
      if (m) resolve(Number(m[1]));
    });
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}: ${err}`)));
  });
}

/** What the subscribers saw: per-delivery latency, duplicates, deliveries over time. */
class Tally {
  latencies: number[] = [];
  duplicates = 0;
  delivered = 0;
  lastAt = 0;
  seen: Set<number>[] = [];
  record(client: number, seq: number, sentAt: number) {
    const now = Date.now();
    const s = (this.seen[client] ??= new Set());
    if (s.has(seq)) this.duplicates++;
    s.add(seq);
    this.delivered++;
    this.lastAt = now;
    this.latencies.push(now - sentAt);
  }
  reset() {
    this.latencies = [];
    this.duplicates = 0;
    this.delivered = 0;
    this.seen = [];
  }
  summary() {
    const l = [...this.latencies].sort((a, b) => a - b);
    return {
      delivered: this.delivered,
      duplicates: this.duplicates,
      p50: percentile(l, 50),
      p99: percentile(l, 99),
      max: l.at(-1) ?? NaN,
    };
  }
}

/** graphql-ws subscribers (protocol graphql-transport-ws) on the two servers. */
async function graphqlClients(ports: number[], tally: Tally, token: string): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  const query = `subscription($a: String!) { caseUpdated(areaCode: $a) { seq recordedAt } }`;
  for (let i = 0; i < CLIENTS; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${ports[i % 2]}/graphql`, 'graphql-transport-ws');
    sockets.push(ws);
    await new Promise<void>((resolve, reject) => {
      // the server closes a socket whose connection_init carries no credentials (4403)
      ws.once('open', () =>
        ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })),
      );
      ws.once('close', (code: number, reason: Buffer) =>
        reject(new Error(`subscriber ${i} closed: ${code} ${reason.toString()}`)),
      );
      ws.on('message', (raw: Buffer) => {
        const m = JSON.parse(raw.toString()) as { type: string; payload?: any };
        if (m.type === 'connection_ack') {
          ws.send(
            JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables: { a: STREET } } }),
          );
          resolve();
        } else if (m.type === 'next') {
          const e = m.payload.data.caseUpdated;
          tally.record(i, e.seq, Date.parse(e.recordedAt));
        } else if (m.type === 'error') reject(new Error(JSON.stringify(m.payload)));
      });
      ws.once('error', reject);
    });
  }
  return sockets;
}

/** Baseline subscribers: plain ws clients of the raw fan-out servers. */
async function baselineClients(ports: number[], tally: Tally): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${ports[i % 2]}`);
    sockets.push(ws);
    ws.on('message', (raw: Buffer) => {
      const m = JSON.parse(raw.toString()) as { seq: number; t: number };
      tally.record(i, m.seq, m.t);
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
  }
  return sockets;
}

/** Calls `fire` RATE times per second for `seconds` seconds; resolves to the number of calls that succeeded. */
async function paced(seconds: number, rate: number, fire: (n: number) => Promise<boolean>): Promise<number> {
  let ok = 0;
  const pending: Promise<void>[] = [];
  const start = Date.now();
  for (let n = 0; n < seconds * rate; n++) {
    const due = start + (n * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    pending.push(fire(n).then((r) => void (r && ok++)));
  }
  await Promise.all(pending);
  return ok;
}

async function drain(tally: Tally, expected: number, maxMs = 30000) {
  const end = Date.now() + maxMs;
  while (tally.delivered < expected && Date.now() < end) await sleep(100);
  await sleep(500);
}

async function main() {
  const base = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!base || !redisUrl)
    throw new Error('set DATABASE_URL and REDIS_URL (eval "$(scripts/services.sh start)")');
  const db = await benchDatabase(base, 'yibiao_bench_live');
  const s = createServices({ DATABASE_URL: db.url, REDIS_URL: redisUrl, QUEUE_PREFIX: PREFIX });
  s.cases.scheduler = undefined;
  const figures: Record<string, unknown> = {
    part: 'subscriptions',
    clients: CLIENTS,
    rate: RATE,
    seconds: SECONDS,
    saturationSeconds: SAT_SECONDS,
  };
  const results: string[] = [
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join('/')}, node ${process.version}, ${new Date().toISOString()}`,
  ];
  try {
    const sq = (lon: number, lat: number, d: number) => ({
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [lon, lat],
            [lon + d, lat],
            [lon + d, lat + d],
            [lon, lat + d],
            [lon, lat],
          ],
        ],
      ],
    });
    const areas: AreaInput[] = [
      {
        code: '610000',
        name: '陕西省',
        level: 'PROVINCE',
        parentCode: null,
        districtCode: null,
        boundary: null,
      },
      {
        code: '610900',
        name: '安康市',
        level: 'CITY',
        parentCode: '610000',
        districtCode: null,
        boundary: null,
      },
      {
        code: '610902',
        name: '汉滨区',
        level: 'DISTRICT',
        parentCode: '610900',
        districtCode: '610902',
        boundary: sq(108.9, 32.5, 0.3),
      },
      {
        code: STREET,
        name: '新城街道',
        level: 'STREET',
        parentCode: '610902',
        districtCode: '610902',
        boundary: sq(109, 32.6, 0.01),
      },
      {
        code: '610902002001',
        name: '北门社区',
        level: 'COMMUNITY',
        parentCode: STREET,
        districtCode: '610902',
        boundary: sq(109, 32.6, 0.01),
      },
      {
        code: '61090200200101',
        name: '第1网格',
        level: 'GRID',
        parentCode: '610902002001',
        districtCode: '610902',
        boundary: sq(109, 32.6, 0.01),
      },
    ];
    await s.areas.upsert(areas);
    const caseIds: number[] = [];
    // enough cases that each gets a step only every 6 s at 50/s, so slow commits never reorder a case's steps
    for (let i = 0; i < 300; i++) {
      const c = await s.cases.report(
        {
          categoryCode: 'L0101',
          description: '噪音',
          location: { type: 'Point', coordinates: [109.005, 32.605] },
          channel: 'APP',
        },
        { name: 'bench', scope: UNRESTRICTED },
      );
      await s.cases.transition({ caseId: c.id, action: 'FILE' }, { name: 'bench', scope: UNRESTRICTED });
      await s.cases.transition({ caseId: c.id, action: 'DISPATCH' }, { name: 'bench', scope: UNRESTRICTED });
      caseIds.push(c.id);
    }

    // ---- this project: two server processes, graphql-ws
    // the servers run as in production: the driver and the subscribers sign in as a
    // command-center account over the district, and the driver is not rate limited
    const authEnv = {
      AUTH_JWT_SECRET: randomBytes(24).toString('hex'),
      RATE_LIMIT_PER_MINUTE: '100000000',
      ACCESS_TOKEN_TTL_SECONDS: '7200',
    };
    const token = benchToken(db.url, redisUrl, authEnv);
    const env = {
      ...process.env,
      ...authEnv,
      DATABASE_URL: db.url,
      QUEUE_PREFIX: PREFIX,
      HOST: '127.0.0.1',
      DB_POOL_SIZE: '20',
    };
    const serverArgs = ['dist/src/cli/main.js', 'serve', '--port', '0'];
    const ports = await Promise.all(
      [0, 1].map(() => spawnAndRead(serverArgs, env, /localhost:(\d+)\/graphql/)),
    );
    const tally = new Tally();
    const sockets = await graphqlClients(ports, tally, token);
    const cycle = ['CLAIM', 'RETURN', 'DISPATCH'];
    const rtt: number[] = [];
    let failedRequests = 0;
    const step = async (n: number) => {
      const t0 = Date.now();
      try {
        const caseIndex = n % caseIds.length;
        const action = cycle[Math.floor(n / caseIds.length) % cycle.length];
        const gid = Buffer.from(`Case:${caseIds[caseIndex]}`).toString('base64url');
        const res = await fetch(`http://127.0.0.1:${ports[n % 2]}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({
            query: 'mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { status } }',
            variables: { i: { caseId: gid, action, note: '基准测试' } },
          }),
        });
        const body = (await res.json()) as { errors?: unknown };
        rtt.push(Date.now() - t0);
        return !body.errors;
      } catch {
        failedRequests++;
        return false; // a swamped server refused or timed out: the step did not happen
      }
    };
    const events = await paced(SECONDS, RATE, step);
    await drain(tally, events * CLIENTS);
    const p = tally.summary();
    const missing = events * CLIENTS - p.delivered + p.duplicates;
    rtt.sort((a, b) => a - b);
    results.push(
      `mutation round trip p50 ${percentile(rtt, 50)} ms, p99 ${percentile(rtt, 99)} ms, failed requests ${failedRequests}`,
    );
    results.push(
      `project (2 processes, ${CLIENTS} graphql-ws subscribers, ${RATE} transitions/s × ${SECONDS} s): ${events} events, ${p.delivered} deliveries (expected ${events * CLIENTS}), missing ${missing}, duplicates ${p.duplicates}, latency from the step's instant p50 ${p.p50} ms, p99 ${p.p99} ms, max ${p.max} ms`,
    );
    figures.project = {
      events,
      expected: events * CLIENTS,
      delivered: p.delivered,
      missing,
      duplicates: p.duplicates,
      p50Ms: p.p50,
      p99Ms: p.p99,
      maxMs: p.max,
      mutationRoundTripMs: { p50: percentile(rtt, 50), p99: percentile(rtt, 99) },
      failedRequests,
    };
    // saturation: events straight into the live topic (no database), as fast as Redis takes them
    tally.reset();
    let published = 0;
    const satStart = Date.now();
    while (Date.now() - satStart < SAT_SECONDS * 1000) {
      const batch: Promise<number>[] = [];
      for (let i = 0; i < 20; i++)
        batch.push(
          s.live.publish('CASE_UPDATED', {
            caseId: caseIds[0],
            districtCode: '610902',
            areaCode: '61090200200101',
            action: 'BENCH',
            fromStatus: 'DISPATCHED',
            toStatus: 'DISPATCHED',
            recordedAt: new Date().toISOString(),
          }),
        );
      await Promise.all(batch);
      published += batch.length;
      // keep the backlog bounded: no more than ~2 s of events ahead of the clients
      while (published * CLIENTS - tally.delivered > 2 * 150_000) await sleep(20);
    }
    await drain(tally, published * CLIENTS);
    const ps = tally.summary();
    results.push(
      `project saturation: ${published} events published in ${SAT_SECONDS} s → ${ps.delivered} deliveries in ${((tally.lastAt - satStart) / 1000).toFixed(1)} s = ${Math.round(ps.delivered / ((tally.lastAt - satStart) / 1000))} deliveries/s (duplicates ${ps.duplicates}, p99 ${ps.p99} ms)`,
    );
    (figures.project as Record<string, unknown>).saturationPerSecond = Math.round(
      ps.delivered / ((tally.lastAt - satStart) / 1000),
    );
    for (const ws of sockets) ws.terminate();
    for (const c of children.splice(0)) c.kill('SIGTERM');
    await sleep(500);

    // ---- baseline: raw Redis pub/sub + ws fan-out, same clients, same rate
    const channel = `${PREFIX}:baseline`;
    const bports = await Promise.all(
      [0, 1].map(() =>
        spawnAndRead(['dist/bench/cases-baseline-server.js', redisUrl, channel], process.env, /port (\d+)/),
      ),
    );
    const btally = new Tally();
    const bsockets = await baselineClients(bports, btally);
    const pub = new Redis(redisUrl);
    await sleep(300);
    let seq = 0;
    const bevents = await paced(SECONDS, RATE, async () => {
      await pub.publish(
        channel,
        JSON.stringify({ seq: ++seq, t: Date.now(), action: 'CLAIM', toStatus: 'CLAIMED' }),
      );
      return true;
    });
    await drain(btally, bevents * CLIENTS);
    const b = btally.summary();
    results.push(
      `baseline (raw Redis pub/sub + ws, 2 processes, ${CLIENTS} clients, ${RATE} msg/s × ${SECONDS} s): ${bevents} messages, ${b.delivered} deliveries (expected ${bevents * CLIENTS}), duplicates ${b.duplicates}, latency p50 ${b.p50} ms, p99 ${b.p99} ms, max ${b.max} ms`,
    );
    btally.reset();
    let bpub = 0;
    const bStart = Date.now();
    while (Date.now() - bStart < SAT_SECONDS * 1000) {
      const batch: Promise<number>[] = [];
      for (let i = 0; i < 20; i++)
        batch.push(pub.publish(channel, JSON.stringify({ seq: ++seq, t: Date.now(), action: 'BENCH' })));
      await Promise.all(batch);
      bpub += batch.length;
      while (bpub * CLIENTS - btally.delivered > 2 * 150_000) await sleep(20);
    }
    await drain(btally, bpub * CLIENTS);
    const bs = btally.summary();
    results.push(
      `baseline saturation: ${bpub} messages in ${SAT_SECONDS} s → ${bs.delivered} deliveries in ${((btally.lastAt - bStart) / 1000).toFixed(1)} s = ${Math.round(bs.delivered / ((btally.lastAt - bStart) / 1000))} deliveries/s`,
    );
    results.push(`p99 difference (project − baseline) at ${RATE}/s: ${p.p99 - b.p99} ms`);
    figures.baseline = {
      events: bevents,
      expected: bevents * CLIENTS,
      delivered: b.delivered,
      duplicates: b.duplicates,
      p50Ms: b.p50,
      p99Ms: b.p99,
      maxMs: b.max,
      saturationPerSecond: Math.round(bs.delivered / ((btally.lastAt - bStart) / 1000)),
    };
    figures.p99DifferenceMs = p.p99 - b.p99;
    figures.ratioP99 = b.p99 > 0 ? Math.round((p.p99 / b.p99) * 100) / 100 : null;
    for (const ws of bsockets) ws.terminate();
    pub.disconnect();
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await s.close();
    await sleep(500);
    await db.drop();
    process.stdout.write(results.join('\n') + '\n');
    if (figures.baseline) process.stdout.write(JSON.stringify(figures) + '\n');
  }
}

// never leave a server process behind, whatever happens
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    for (const c of children) c.kill('SIGTERM');
    process.exit(1);
  },
);
