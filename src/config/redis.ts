import { Cluster, Redis, RedisOptions } from 'ioredis';
import { Config, ConfigError } from './config';

/** A connection to Redis: one server (or a Sentinel-managed master), or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/** host:port of a Sentinel or a cluster node. */
export interface HostPort {
  host: string;
  port: number;
}

/** Where Redis is: REDIS_URL alone, or with Sentinel or Cluster settings (src/config/config.ts). */
export interface RedisTarget {
  /** Credentials, database index and TLS (rediss://); the host too when neither list is given. */
  url: string;
  sentinels?: HostPort[];
  sentinelMaster?: string;
  sentinelPassword?: string;
  clusterNodes?: HostPort[];
}

/** A bare REDIS_URL (tests and tools) or the full target. */
export type RedisConnect = string | RedisTarget;

/** The default queue and channel prefix: a hash tag, so every key of a queue lands in one cluster slot. */
export const DEFAULT_QUEUE_PREFIX = '{yibiao}';

/** Parses `host:port,host:port`; throws naming the setting and the bad entry. */
export function parseHostList(value: string, setting: string): HostPort[] {
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new ConfigError(`${setting}: lists no host:port`);
  return entries.map((entry) => {
    const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(entry);
    const port = m ? Number(m[2]) : 0;
    if (!m || port < 1 || port > 65535) throw new ConfigError(`${setting}: "${entry}" is not host:port`);
    return { host: m[1].replace(/^\[|\]$/g, ''), port };
  });
}

/** The Redis settings of a (partial) configuration. */
export function redisTargetOf(c: {
  REDIS_URL: string;
  REDIS_SENTINELS?: string;
  REDIS_SENTINEL_MASTER?: string;
  REDIS_SENTINEL_PASSWORD?: string;
  REDIS_CLUSTER_NODES?: string;
}): RedisConnect {
  if (!c.REDIS_SENTINELS && !c.REDIS_CLUSTER_NODES) return c.REDIS_URL;
  return {
    url: c.REDIS_URL,
    sentinels: c.REDIS_SENTINELS ? parseHostList(c.REDIS_SENTINELS, 'REDIS_SENTINELS') : undefined,
    sentinelMaster: c.REDIS_SENTINEL_MASTER,
    sentinelPassword: c.REDIS_SENTINEL_PASSWORD,
    clusterNodes: c.REDIS_CLUSTER_NODES
      ? parseHostList(c.REDIS_CLUSTER_NODES, 'REDIS_CLUSTER_NODES')
      : undefined,
  };
}

/** Credentials, database and TLS from a redis:// or rediss:// URL. */
function urlOptions(url: string): RedisOptions {
  const u = new URL(url);
  const db = u.pathname.replace(/^\//, '');
  return {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * Opens a Redis connection for pub/sub, BullMQ or the rate limit: to REDIS_URL, to the master
 * that the Sentinels name, or to a Redis Cluster (ioredis follows fail-overs and slot moves).
 */
export function createRedis(target: RedisConnect, options: RedisOptions = {}): RedisClient {
  if (typeof target === 'string') return new Redis(target, options);
  const fromUrl = urlOptions(target.url);
  if (target.clusterNodes) {
    const { lazyConnect, ...perNode } = options;
    return new Cluster(target.clusterNodes, {
      lazyConnect,
      // BullMQ needs blocking commands to wait; the option belongs to each node's connection
      redisOptions: { ...fromUrl, ...perNode },
    });
  }
  if (target.sentinels) {
    return new Redis({
      ...fromUrl,
      ...options,
      sentinels: target.sentinels,
      name: target.sentinelMaster,
      ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
    });
  }
  return new Redis(target.url, options);
}

/** What the start-up check found. */
export interface RedisPolicyReport {
  /** maxmemory-policy of each server (the first one's when they agree). */
  maxmemoryPolicy: string | null;
  appendonly: string | null;
  /** Settings under which Redis may drop queued jobs: eviction. */
  eviction: string[];
  /** Settings under which a restart of Redis loses jobs: no AOF; and settings that could not be read. */
  durability: string[];
}

/**
 * BullMQ loses jobs when Redis evicts keys under memory pressure, so `maxmemory-policy` must be
 * `noeviction`; without AOF (`appendonly yes`) a restart of Redis loses the jobs queued since the
 * last snapshot. Reads both settings (on every master of a cluster); a server that refuses
 * CONFIG GET (managed Redis often renames it) is reported as unknown.
 */
export async function inspectRedis(redis: RedisClient): Promise<RedisPolicyReport> {
  const servers = redis instanceof Cluster ? redis.nodes('master') : [redis];
  const report: RedisPolicyReport = { maxmemoryPolicy: null, appendonly: null, eviction: [], durability: [] };
  for (const server of servers) {
    const where = redis instanceof Cluster ? ` on ${server.options.host}:${server.options.port}` : '';
    try {
      const [, policy] = (await server.config('GET', 'maxmemory-policy')) as string[];
      const [, aof] = (await server.config('GET', 'appendonly')) as string[];
      report.maxmemoryPolicy ??= policy ?? null;
      report.appendonly ??= aof ?? null;
      if (policy !== 'noeviction')
        report.eviction.push(
          `Redis maxmemory-policy is "${policy}"${where}; BullMQ needs "noeviction" (an evicted key is a lost job)`,
        );
      if (aof !== 'yes')
        report.durability.push(
          `Redis appendonly is "${aof}"${where}; use "appendonly yes" and "appendfsync everysec" so a restart keeps queued jobs`,
        );
    } catch (e) {
      report.durability.push(
        `could not read the Redis settings${where} (CONFIG GET: ${(e as Error).message})`,
      );
    }
  }
  return report;
}

/**
 * The start-up check of every process that uses queues. An evicting Redis is refused with a
 * ConfigError when `refuseEviction` (production), else warned about; missing AOF and unreadable
 * settings are warned about in production only (the development Redis keeps nothing on purpose).
 */
export async function checkRedisForQueues(
  target: RedisConnect,
  opts: { production: boolean; refuseEviction: boolean; warn: (line: string) => void },
): Promise<RedisPolicyReport> {
  const redis = createRedis(target, { maxRetriesPerRequest: 2, lazyConnect: true });
  try {
    await redis.connect();
    const report = await inspectRedis(redis);
    if (opts.refuseEviction && report.eviction.length > 0) throw new ConfigError(report.eviction.join('\n'));
    const warnings = [...report.eviction, ...(opts.production ? report.durability : [])];
    for (const w of warnings) opts.warn(`warning: ${w}`);
    return report;
  } finally {
    redis.disconnect();
  }
}

/**
 * Run by `serve`, `worker`, `ingest-worker` and `report --worker` before they start: an evicting
 * Redis stops the process in production (unless REDIS_POLICY_CHECK=warn); elsewhere it warns.
 */
export async function checkRedisAtStartup(c: Config, warn: (line: string) => void): Promise<void> {
  await checkRedisForQueues(redisTargetOf(c), {
    production: c.NODE_ENV === 'production',
    refuseEviction: c.NODE_ENV === 'production' && c.REDIS_POLICY_CHECK === 'enforce',
    warn,
  });
}
