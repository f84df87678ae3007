import { UNRESTRICTED } from '../src/auth/scope';
/**
 * Subscription delivery benchmark, loopback only: two `yibiao serve` processes, CLIENTS graphql-ws
 * subscribers (half on each) to caseUpdated of the street, RATE case transitions per second for
 * SECONDS seconds sent alternately to both processes; then the same load through a raw Redis
 * pub/sub + ws fan-out baseline (two processes, same clients, same rate). Then each side's
 * saturation: events published as fast as possible for SAT_SECONDS, deliveries per second counted
 * at the clients. Each side first runs BENCH_WARMUP_SECONDS (default 3) of the same load, not
 * counted, after a checkpoint and a BENCH_SETTLE_MS pause (default 10 s); BENCH_BASELINE_FIRST=1
 * runs the baseline's phase first. Checks that every event reached every subscriber exactly once.
 * Prints the figures as text, then as one JSON line.
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

const [CLIENTS, RATE, SECONDS, SAT_SECONDS] = [2000, 50, 60, 10].map((d, i) =>
  Number(process.argv[2 + i] ?? d),
);
/** Seconds of the same load before each side's measured run, not counted. */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
/** Pause before each side's phase, after a checkpoint, so that neither inherits the other's after-work. */
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 10_000);
const ROOT = path.resolve(__dirname, '../..');
const STREET = '610902002';
const PREFIX = `bench-${process.pid}`;
const children: ChildProcess[] = [];
/** The servers run as in production; the benchmark signs in like any client. */
const SECRET = randomBytes(24).toString('hex');
let token = '';
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

/**
 * What the subscribers saw, kept cheap so that the load generator (on the same cores as the
 * servers) costs as little as possible and the same for both sides: per subscriber the last
 * sequence number (events arrive in sequence order, so a number not above the last one is a
 * duplicate or a reordering, counted as duplicate), and latencies in a 1 ms histogram.
 */
class Tally {
  hist = new Uint32Array(300_001);
  duplicates = 0;
  delivered = 0;
  lastAt = 0;
  last = new Float64Array(CLIENTS).fill(-1);
  record(client: number, seq: number, sentAt: number) {
    const now = Date.now();
    if (seq <= this.last[client]) this.duplicates++;
    else this.last[client] = seq;
    this.delivered++;
    this.lastAt = now;
    this.hist[Math.min(this.hist.length - 1, Math.max(0, now - sentAt))]++;
  }
  reset() {
    this.hist.fill(0);
    this.duplicates = 0;
    this.delivered = 0;
    this.last.fill(-1);
  }
  private at(p: number): number {
    if (this.delivered === 0) return NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.delivered));
    let n = 0;
    for (let ms = 0; ms < this.hist.length; ms++) if ((n += this.hist[ms]) >= rank) return ms;
    return NaN;
  }
  summary() {
    let max = NaN;
    for (let ms = this.hist.length - 1; ms >= 0; ms--)
      if (this.hist[ms] > 0) {
        max = ms;
        break;
      }
    return {
      delivered: this.delivered,
      duplicates: this.duplicates,
      p50: this.at(50),
      p99: this.at(99),
      max,
    };
  }
}

/** Opens `CLIENTS` sockets, `open` at a time. */
async function openAll(open: (i: number) => Promise<WebSocket>, parallel = 50): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < CLIENTS; i += parallel) {
    const batch = [];
    for (let j = i; j < Math.min(CLIENTS, i + parallel); j++) batch.push(open(j));
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

/**
 * Reading the figures straight from the received bytes (no string, no regular expression, no
 * Date.parse per message): at 100,000 messages a second the subscribers share the servers' cores,
 * and both sides are read the same way.
 */
const SEQ = Buffer.from('"seq":');
const RECORDED_AT = Buffer.from('"recordedAt":"');
const T = Buffer.from('"t":');

/** The unsigned integer after `key` in `buf`, or -1. */
function intAfter(buf: Buffer, key: Buffer): number {
  let i = buf.indexOf(key);
  if (i < 0) return -1;
  i += key.length;
  let n = 0;
  for (let c = buf[i]; c >= 48 && c <= 57; c = buf[++i]) n = n * 10 + c - 48;
  return n;
}

/** The instant of the ISO 8601 UTC timestamp (YYYY-MM-DDTHH:MM:SS.mmmZ) after `key`, or NaN. */
function isoAfter(buf: Buffer, key: Buffer): number {
  const i = buf.indexOf(key);
  if (i < 0) return NaN;
  const d = (at: number, len: number) => {
    let n = 0;
    for (let k = i + key.length + at; k < i + key.length + at + len; k++) n = n * 10 + buf[k] - 48;
    return n;
  };
  return Date.UTC(d(0, 4), d(5, 2) - 1, d(8, 2), d(11, 2), d(14, 2), d(17, 2), d(20, 3));
}

/** graphql-ws subscribers (protocol graphql-transport-ws) on the two servers. */
async function graphqlClients(ports: number[], tally: Tally): Promise<WebSocket[]> {
  const query = `subscription($a: String!) { caseUpdated(areaCode: $a) { seq recordedAt } }`;
  return openAll(
    (i) =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${ports[i % 2]}/graphql`, 'graphql-transport-ws', {
          skipUTF8Validation: true,
        });
        ws.once('open', () =>
          ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })),
        );
        ws.once('close', (code: number, reason: Buffer) =>
          reject(new Error(`subscriber closed: ${code} ${reason.toString()}`)),
        );
        ws.on('message', (raw: Buffer) => {
          const seq = intAfter(raw, SEQ);
          if (seq >= 0) return tally.record(i, seq, isoAfter(raw, RECORDED_AT));
          const text = raw.toString();
          const msg = JSON.parse(text) as { type: string; payload?: unknown };
          if (msg.type === 'connection_ack') {
            ws.send(
              JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables: { a: STREET } } }),
            );
            resolve(ws);
          } else if (msg.type === 'next' || msg.type === 'error')
            reject(new Error(`unexpected ${msg.type}: ${text}`));
        });
        ws.once('error', reject);
      }),
  );
}

/** Baseline subscribers: plain ws clients of the raw fan-out servers. */
async function baselineClients(ports: number[], tally: Tally): Promise<WebSocket[]> {
  return openAll(
    (i) =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${ports[i % 2]}`, { skipUTF8Validation: true });
        ws.on('message', (raw: Buffer) => {
          const seq = intAfter(raw, SEQ);
          if (seq >= 0) tally.record(i, seq, intAfter(raw, T));
        });
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      }),
  );
}

/** Calls `fire` RATE times per second for `seconds` seconds; resolves to the number of calls that succeeded. */
async function paced(
  seconds: number,
  rate: number,
  fire: (n: number) => Promise<boolean>,
  first = 0,
): Promise<number> {
  let ok = 0;
  const pending: Promise<void>[] = [];
  const start = Date.now();
  for (let i = 0; i < seconds * rate; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    pending.push(fire(first + i).then((r) => void (r && ok++)));
  }
  await Promise.all(pending);
  return ok;
}

async function drain(tally: Tally, expected: number, maxMs = 30000) {
  const end = Date.now() + maxMs;
  while (tally.delivered < expected && Date.now() < end) await sleep(100);
  await sleep(500);
}

/**
 * Saturation: `publish` called as fast as Redis takes it (20 at a time) for SAT_SECONDS, the
 * backlog kept to about 2 s of deliveries ahead of the clients; deliveries per second counted at
 * the clients until the last one arrived.
 */
async function saturate(tally: Tally, publish: () => Promise<unknown>) {
  tally.reset();
  let published = 0;
  const start = Date.now();
  while (Date.now() - start < SAT_SECONDS * 1000) {
    const batch: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) batch.push(publish());
    await Promise.all(batch);
    published += batch.length;
    while (published * CLIENTS - tally.delivered > 2 * 150_000) await sleep(20);
  }
  await drain(tally, published * CLIENTS);
  const summary = tally.summary();
  const seconds = (tally.lastAt - start) / 1000;
  return { published, summary, seconds, perSecond: Math.round(summary.delivered / seconds) };
}

async function main() {
  const base = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!base || !redisUrl)
    throw new Error('set DATABASE_URL and REDIS_URL (eval "$(scripts/services.sh start)")');
  const db = await benchDatabase(base, 'yibiao_bench_live');
  const s = createServices({
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: PREFIX,
    AUTH_JWT_SECRET: SECRET,
  });
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
    // a command-center account over the district: all subscribers are one viewer (one dashboard
    // opened 2,000 times), the driver acts as the same account
    await s.auth.createAccount(
      {
        name: 'bench-center',
        role: 'COMMAND_CENTER',
        areaCodes: ['610902'],
        password: randomBytes(12).toString('hex'),
      },
      'bench',
    );
    token = (await s.auth.issueToken('bench-center')).token;
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

    /** Stops the servers of a phase and lets the machine settle (PostgreSQL's after-work: autovacuum, a checkpoint). */
    const settle = async (next: string) => {
      const stopped = children.splice(0);
      await Promise.all(
        stopped.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              c.once('exit', () => resolve());
              c.kill('SIGTERM');
              setTimeout(() => (c.kill('SIGKILL'), resolve()), 10_000).unref();
            }),
        ),
      );
      await s.pool.query('CHECKPOINT');
      await sleep(SETTLE_MS);
      results.push(`${next} starts after a ${SETTLE_MS / 1000} s pause, load ${os.loadavg()[0].toFixed(1)}`);
    };

    // ---- this project: two server processes, graphql-ws
    const projectPhase = async () => {
      const env = {
        ...process.env,
        DATABASE_URL: db.url,
        QUEUE_PREFIX: PREFIX,
        HOST: '127.0.0.1',
        DB_POOL_SIZE: '20',
        NODE_ENV: 'production',
        AUTH_JWT_SECRET: SECRET,
        RATE_LIMIT_PER_MINUTE: '100000000',
      };
      // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the servers
      const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
      const serverArgs = [...nodeArgs, 'dist/src/cli/main.js', 'serve', '--port', '0'];
      const ports = await Promise.all(
        [0, 1].map(() => spawnAndRead(serverArgs, env, /localhost:(\d+)\/graphql/)),
      );
      const tally = new Tally();
      const sockets = await graphqlClients(ports, tally);
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
      // warm-up at the same rate, not counted: both sides are measured as running servers, not as
      // freshly started ones (JIT, connection pools, caches)
      const warm = await paced(WARMUP_SECONDS, RATE, step);
      await drain(tally, warm * CLIENTS);
      tally.reset();
      rtt.length = 0;
      failedRequests = 0;
      const events = await paced(SECONDS, RATE, step, WARMUP_SECONDS * RATE);
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
      // saturation: events straight into the live topic (no database)
      const sat = await saturate(tally, () =>
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
        saturationPerSecond: sat.perSecond,
      };
      results.push(
        `project saturation: ${sat.published} events published in ${SAT_SECONDS} s → ${sat.summary.delivered} deliveries in ${sat.seconds.toFixed(1)} s = ${sat.perSecond} deliveries/s (duplicates ${sat.summary.duplicates}, p99 ${sat.summary.p99} ms)`,
      );
      for (const ws of sockets) ws.terminate();
      return p;
    };

    // ---- baseline: raw Redis pub/sub + ws fan-out, same clients, same rate
    const baselinePhase = async () => {
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
      const publishOne = async () => {
        await pub.publish(
          channel,
          JSON.stringify({ seq: ++seq, t: Date.now(), action: 'CLAIM', toStatus: 'CLAIMED' }),
        );
        return true;
      };
      const bwarm = await paced(WARMUP_SECONDS, RATE, publishOne);
      await drain(btally, bwarm * CLIENTS);
      btally.reset();
      const bevents = await paced(SECONDS, RATE, publishOne);
      await drain(btally, bevents * CLIENTS);
      const b = btally.summary();
      results.push(
        `baseline (raw Redis pub/sub + ws, 2 processes, ${CLIENTS} clients, ${RATE} msg/s × ${SECONDS} s): ${bevents} messages, ${b.delivered} deliveries (expected ${bevents * CLIENTS}), duplicates ${b.duplicates}, latency p50 ${b.p50} ms, p99 ${b.p99} ms, max ${b.max} ms`,
      );
      const bsat = await saturate(btally, () =>
        pub.publish(channel, JSON.stringify({ seq: ++seq, t: Date.now(), action: 'BENCH' })),
      );
      results.push(
        `baseline saturation: ${bsat.published} messages in ${SAT_SECONDS} s → ${bsat.summary.delivered} deliveries in ${bsat.seconds.toFixed(1)} s = ${bsat.perSecond} deliveries/s`,
      );
      figures.baseline = {
        events: bevents,
        expected: bevents * CLIENTS,
        delivered: b.delivered,
        duplicates: b.duplicates,
        p50Ms: b.p50,
        p99Ms: b.p99,
        maxMs: b.max,
        saturationPerSecond: bsat.perSecond,
      };
      for (const ws of bsockets) ws.terminate();
      pub.disconnect();
      return b;
    };

    // BENCH_BASELINE_FIRST=1 runs the baseline first, to see whether the order favours either side
    const baselineFirst = process.env.BENCH_BASELINE_FIRST === '1';
    figures.order = baselineFirst ? 'baseline first' : 'project first';
    let p: Awaited<ReturnType<typeof projectPhase>>;
    let b: Awaited<ReturnType<typeof baselinePhase>>;
    if (baselineFirst) {
      await settle('baseline');
      b = await baselinePhase();
      await settle('project');
      p = await projectPhase();
    } else {
      await settle('project');
      p = await projectPhase();
      await settle('baseline');
      b = await baselinePhase();
    }
    results.push(`p99 difference (project − baseline) at ${RATE}/s: ${p.p99 - b.p99} ms`);
    figures.p99DifferenceMs = p.p99 - b.p99;
    figures.ratioP99 = b.p99 > 0 ? Math.round((p.p99 / b.p99) * 100) / 100 : null;
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
