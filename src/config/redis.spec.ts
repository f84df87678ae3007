import { ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Queue, Worker } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import { LiveEvents } from '../graphql/live-events';
import { ConfigError, loadConfig } from './config';
import { checkRedisForQueues, createRedis, DEFAULT_QUEUE_PREFIX, redisTargetOf, RedisTarget } from './redis';

const base = { DATABASE_URL: 'postgresql://localhost/x', REDIS_URL: 'redis://:secret@localhost:6379/2' };

describe('Redis connection settings', () => {
  it('the queue prefix defaults to a hash tag, and REDIS_URL alone stays a plain URL', () => {
    const c = loadConfig(base);
    expect(c.QUEUE_PREFIX).toBe(DEFAULT_QUEUE_PREFIX);
    expect(DEFAULT_QUEUE_PREFIX).toMatch(/^\{[^{}]+\}$/);
    expect(redisTargetOf(c)).toBe('redis://:secret@localhost:6379/2');
  });

  it('accepts Sentinels with the master name, and Cluster nodes, as host lists', () => {
    const sentinel = loadConfig({
      ...base,
      REDIS_SENTINELS: 'sentinel-a:26379, sentinel-b:26379,[::1]:26380',
      REDIS_SENTINEL_MASTER: 'yibiao-master',
      REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
    });
    expect(redisTargetOf(sentinel)).toEqual({
      url: base.REDIS_URL,
      sentinels: [
        { host: 'sentinel-a', port: 26379 },
        { host: 'sentinel-b', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      sentinelMaster: 'yibiao-master',
      sentinelPassword: 'sentinel-secret',
    });
    const cluster = loadConfig({
      ...base,
      REDIS_URL: 'redis://:secret@ignored:6379',
      REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2:7000',
    });
    expect(redisTargetOf(cluster)).toMatchObject({
      clusterNodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7000 },
      ],
    });
  });

  it('reports every inconsistent Redis setting at once, naming it', () => {
    const bad = () =>
      loadConfig({
        ...base,
        REDIS_SENTINELS: 'a:26379',
        REDIS_CLUSTER_NODES: 'b:7000,c',
        QUEUE_PREFIX: 'yibiao',
      });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/REDIS_CLUSTER_NODES: must be host:port/);
    const combined = () =>
      loadConfig({ ...base, REDIS_URL: 'redis://h:1/0', REDIS_SENTINELS: 'a:1', REDIS_CLUSTER_NODES: 'b:2' });
    expect(combined).toThrow(/REDIS_CLUSTER_NODES: cannot be combined with REDIS_SENTINELS/);
    expect(combined).toThrow(/REDIS_SENTINEL_MASTER: is required with REDIS_SENTINELS/);
    expect(() => loadConfig({ ...base, REDIS_CLUSTER_NODES: 'b:7000', QUEUE_PREFIX: 'yibiao' })).toThrow(
      /QUEUE_PREFIX: must contain a \{hash tag\}.*\n.*REDIS_URL: names a database other than 0/,
    );
    expect(() =>
      loadConfig({
        ...base,
        REDIS_URL: 'redis://h:6379',
        REDIS_CLUSTER_NODES: 'b:7000',
        QUEUE_PREFIX: 'yibiao',
      }),
    ).toThrow(/QUEUE_PREFIX: must contain a \{hash tag\}/);
  });
});

describe('the start-up check of maxmemory-policy (real Redis)', () => {
  const url = process.env.REDIS_URL!;
  let admin: Redis;
  let original: string;
  beforeAll(async () => {
    admin = new Redis(url);
    [, original] = (await admin.config('GET', 'maxmemory-policy')) as string[];
  });
  afterAll(async () => {
    await admin.config('SET', 'maxmemory-policy', original);
    await admin.quit();
  });

  it('refuses an evicting Redis in production and warns elsewhere; noeviction passes', async () => {
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      await expect(
        checkRedisForQueues(url, { production: true, refuseEviction: true, warn: () => undefined }),
      ).rejects.toThrow(/maxmemory-policy is "allkeys-lru"; BullMQ needs "noeviction"/);
      const warnings: string[] = [];
      const report = await checkRedisForQueues(url, {
        production: false,
        refuseEviction: false,
        warn: (l) => warnings.push(l),
      });
      expect(report.maxmemoryPolicy).toBe('allkeys-lru');
      expect(warnings).toEqual([expect.stringMatching(/^warning: Redis maxmemory-policy is "allkeys-lru"/)]);
    } finally {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
    }
    const warnings: string[] = [];
    const ok = await checkRedisForQueues(url, {
      production: true,
      refuseEviction: true,
      warn: (l) => warnings.push(l),
    });
    expect(ok.eviction).toEqual([]);
    // the development Redis keeps no AOF; production is told how to keep queued jobs over a restart
    const [, aof] = (await admin.config('GET', 'appendonly')) as string[];
    if (aof === 'yes') expect(warnings).toEqual([]);
    else expect(warnings).toEqual([expect.stringMatching(/appendonly yes.*appendfsync everysec/)]);
  });
});

// ---- real Sentinel and real Cluster, started from the machine's redis-server ----

const run = promisify(execFile);
const children: ChildProcess[] = [];
const dirs: string[] = [];

async function freePort(): Promise<number> {
  // cluster nodes also listen on port + 10000 (the cluster bus): keep both below 65536 and free
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    const free = async (p: number) =>
      new Promise<boolean>((resolve) => {
        const s = net.createServer().once('error', () => resolve(false));
        s.listen(p, '127.0.0.1', () => s.close(() => resolve(true)));
      });
    if ((await free(port)) && (await free(port + 10000))) return port;
  }
}

async function startRedis(args: string[], conf?: string): Promise<number> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yibiao-redis-'));
  dirs.push(dir);
  const argv = conf ? [path.join(dir, 'redis.conf')] : [];
  if (conf) fs.writeFileSync(argv[0], conf);
  const child = spawn(
    'redis-server',
    [...argv, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...args],
    {
      stdio: 'ignore',
    },
  );
  children.push(child);
  for (let i = 0; i < 100; i++) {
    try {
      await run('redis-cli', ['-p', String(port), 'ping']);
      return port;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`redis-server on ${port} did not start`);
}

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 100));
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A queued job is processed, and a live event reaches a subscriber, over the given connection. */
async function queueAndLiveEventsWork(target: RedisTarget, prefix: string): Promise<void> {
  const queueConn = createRedis(target, { maxRetriesPerRequest: null });
  const workerConn = createRedis(target, { maxRetriesPerRequest: null });
  const queue = new Queue('probe', { connection: queueConn, prefix });
  const done = new Promise<unknown>((resolve) => {
    const worker: Worker = new Worker(
      'probe',
      async (job) => ({ doubled: (job.data as { n: number }).n * 2 }),
      {
        connection: workerConn,
        prefix,
      },
    );
    worker.on('completed', (_job, result) => void worker.close().then(() => resolve(result)));
  });
  await queue.add('double', { n: 21 });
  await expect(done).resolves.toEqual({ doubled: 42 });
  await queue.close();
  queueConn.disconnect();
  workerConn.disconnect();

  const live = new LiveEvents(target, prefix);
  const it = live.subscribe('CASE_UPDATED');
  const next = it.next();
  await new Promise((r) => setTimeout(r, 200)); // the process's one Redis subscription is open
  const payload = {
    caseId: 7,
    districtCode: '610902',
    areaCode: null,
    action: 'FILE',
    fromStatus: 'REPORTED',
    toStatus: 'FILED',
    recordedAt: new Date(0).toISOString(),
  };
  const seq = await live.publish('CASE_UPDATED', payload);
  await expect(next).resolves.toEqual({ done: false, value: { seq, payload } });
  await it.return!();
  await live.close();
}

describe('Redis Sentinel and Redis Cluster (real servers)', () => {
  // starting servers and forming a cluster takes seconds, more on a busy 2-core machine
  jest.setTimeout(60_000);

  it('through Sentinels: connects to the master they name, queues jobs and publishes live events', async () => {
    const master = await startRedis(['--save', '', '--appendonly', 'no']);
    const sentinel = await startRedis(
      ['--sentinel'],
      `sentinel monitor yibiao-master 127.0.0.1 ${master} 1\nsentinel resolve-hostnames yes\n`,
    );
    const c = loadConfig({
      ...base,
      REDIS_URL: 'redis://unused-host:1',
      REDIS_SENTINELS: `127.0.0.1:${sentinel}`,
      REDIS_SENTINEL_MASTER: 'yibiao-master',
    });
    const target = redisTargetOf(c) as RedisTarget;
    const client = createRedis(target);
    await client.set('{yibiao}:probe', 'through-sentinel');
    client.disconnect();
    // the value landed on the master the Sentinel named, not on the host of REDIS_URL
    const direct = new Redis(master, '127.0.0.1');
    expect(await direct.get('{yibiao}:probe')).toBe('through-sentinel');
    direct.disconnect();
    await queueAndLiveEventsWork(target, c.QUEUE_PREFIX);
  });

  it('on a three-node Cluster: the hash-tag prefix keeps each queue in one slot', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 3; i++)
      ports.push(
        await startRedis([
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${i}.conf`,
          '--save',
          '',
          '--appendonly',
          'no',
        ]),
      );
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    // every node must see the whole cluster before clients use it: a command routed to a node
    // that has not yet learned the slot map is answered CLUSTERDOWN, and BullMQ retries without end
    for (let i = 0; i < 300; i++) {
      const states = await Promise.all(
        ports.map((p) => run('redis-cli', ['-p', String(p), 'cluster', 'info'])),
      );
      if (states.every(({ stdout }) => stdout.includes('cluster_state:ok'))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const c = loadConfig({
      ...base,
      REDIS_URL: 'redis://ignored:6379',
      REDIS_CLUSTER_NODES: `127.0.0.1:${ports[0]}`,
    });
    const target = redisTargetOf(c) as RedisTarget;
    const probe = createRedis(target);
    expect(probe).toBeInstanceOf(Cluster);
    probe.disconnect();
    const report = await checkRedisForQueues(target, {
      production: false,
      refuseEviction: true,
      warn: () => undefined,
    });
    expect(report.maxmemoryPolicy).toBe('noeviction');
    await queueAndLiveEventsWork(target, c.QUEUE_PREFIX);
    // without a hash tag a queue's keys spread over slots and BullMQ's scripts are refused
    const plainConn = createRedis(target, { maxRetriesPerRequest: null });
    const plain = new Queue('probe', { connection: plainConn, prefix: 'yibiao' });
    await expect(plain.add('double', { n: 1 })).rejects.toThrow(/CROSSSLOT/);
    await plain.close();
    plainConn.disconnect();
  });
});
