import { z } from 'zod';

/** `host:port` or `[ipv6]:port`, comma-separated. */
const HOST_LIST =
  /^\s*(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}\s*(,\s*(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}\s*)*$/;

const schema = z
  .object({
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL'),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL'),
    PORT: z.coerce.number().int().min(1).max(65535).default(4000),
    HOST: z.string().default('0.0.0.0'),
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    /**
     * Redis Sentinel: `host:port,host:port` of the Sentinels and the master's name; REDIS_URL then
     * gives only the credentials, database index and TLS (its host is not used).
     */
    REDIS_SENTINELS: z.string().regex(HOST_LIST, 'must be host:port[,host:port…]').optional(),
    REDIS_SENTINEL_MASTER: z.string().min(1).optional(),
    REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
    /** Redis Cluster: `host:port,…` of some of its nodes; REDIS_URL gives only credentials and TLS. */
    REDIS_CLUSTER_NODES: z.string().regex(HOST_LIST, 'must be host:port[,host:port…]').optional(),
    /**
     * Prefix of BullMQ queues, pub/sub channels and other keys. The default is a hash tag, so a
     * queue's keys (and a Lua script's) share one Redis Cluster slot.
     */
    QUEUE_PREFIX: z.string().min(1).default('{yibiao}'),
    /** An evicting Redis (maxmemory-policy other than noeviction) is refused in production; `warn` allows it. */
    REDIS_POLICY_CHECK: z.enum(['enforce', 'warn']).default('enforce'),
    DB_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
    /**
     * How long a pooled connection may sit idle before it is closed (0: never). pg's own default
     * of 10 s closes what a burst opened soon after, so the next burst pays for new backends
     * (fork, authentication, cold catalog caches) exactly when the server is busiest.
     */
    DB_POOL_IDLE_TIMEOUT_MS: z.coerce.number().int().min(0).default(60_000),
    /**
     * Whether read statements are prepared by name, parsed and planned once per connection (`on`,
     * the default). `off` behind a connection pooler that cannot keep a session's prepared
     * statements (PgBouncer before 1.21 in transaction mode, or without max_prepared_statements).
     */
    DB_PREPARED_STATEMENTS: z.enum(['on', 'off']).default('on'),
    /**
     * Comma-separated postgresql:// URLs of read replicas (streaming standbys). GraphQL queries
     * read from them; mutations, workers, the CLI and ingest use DATABASE_URL only.
     */
    DATABASE_REPLICA_URLS: z
      .string()
      .regex(
        /^\s*(postgres(ql)?:\/\/[^,\s]+\s*)(,\s*postgres(ql)?:\/\/[^,\s]+\s*)*$/,
        'must be postgresql:// URLs, comma-separated',
      )
      .optional(),
    /** After a mutation, the same caller reads from the primary this long (replicas lag behind). */
    DB_REPLICA_STICKY_SECONDS: z.coerce.number().int().min(0).max(3600).default(5),
    /**
     * statement_timeout of every pooled connection (API, workers, CLI): PostgreSQL ends any one
     * statement running longer, whoever sent it; 0 turns it off. Above the execution timeout, which
     * cancels a request's statements itself, and above the slowest report statement measured.
     */
    DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(60_000),
    /** Send x-sql-count (statements per request) on every response; default on except in production. */
    SQL_COUNT_HEADER: z.enum(['on', 'off']).optional(),
    /** HMAC secret of access tokens (HS256); required in production, at least 32 characters. */
    AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86400).default(900),
    REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    /** Audit records are kept at least this long (GB/T 22239 asks for six months). */
    AUDIT_RETENTION_DAYS: z.coerce.number().int().min(180).default(180),
    /** Comma-separated origins allowed by CORS; empty: no cross-origin access. */
    CORS_ORIGINS: z.string().default(''),
    MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
    LIMIT_DEPTH: z.coerce.number().int().min(2).default(12),
    LIMIT_COMPLEXITY: z.coerce.number().int().min(10).default(20_000),
    LIMIT_ALIASES: z.coerce.number().int().min(0).default(30),
    LIMIT_TOKENS: z.coerce.number().int().min(100).default(5_000),
    LIMIT_OPERATIONS: z.coerce.number().int().min(1).default(5),
    /** Requests per minute per API key, account or (unauthenticated) address. */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    /** A request still running after this long is answered with an error and its SQL cancelled. */
    EXECUTION_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
    /** graphql-ws: close with 4408 when connection_init does not arrive within this time. */
    WS_INIT_TIMEOUT_MS: z.coerce.number().int().min(100).default(3_000),
    WS_KEEPALIVE_MS: z.coerce.number().int().min(1_000).default(12_000),
    WS_MAX_BUFFERED_BYTES: z.coerce.number().int().min(16_384).default(1_048_576),
    /** Where generated report files (XLSX) are written; default storage/reports in the checkout. */
    REPORTS_DIR: z.string().min(1).optional(),
    /** Where uploaded case photos are stored (default: .data/photos in the checkout). */
    CASE_PHOTO_DIR: z.string().min(1).optional(),
    /** How long before a case's deadline the warning goes out. */
    CASE_WARN_BEFORE_MINUTES: z.coerce.number().int().min(0).max(10080).default(240),
    /** A calendar override file (same shape as chinese-days' data) for a year's new holiday notice. */
    CALENDAR_OVERRIDE_FILE: z.string().min(1).optional(),
    /** Comma-separated API keys accepted by the Open311 facade for filing requests. */
    OPEN311_API_KEYS: z.string().default(''),
    /** Where uploaded rosters are kept (by content hash) so that a run can be resumed. */
    INGEST_STORAGE_DIR: z.string().min(1).default('storage/ingest'),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === 'production' && !c.AUTH_JWT_SECRET)
      ctx.addIssue({ code: 'custom', path: ['AUTH_JWT_SECRET'], message: 'is required in production' });
    if (c.REDIS_SENTINELS && c.REDIS_CLUSTER_NODES)
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_CLUSTER_NODES'],
        message: 'cannot be combined with REDIS_SENTINELS (a Sentinel-managed master or a cluster, not both)',
      });
    if (c.REDIS_SENTINELS && !c.REDIS_SENTINEL_MASTER)
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_SENTINEL_MASTER'],
        message: 'is required with REDIS_SENTINELS (the name the Sentinels monitor)',
      });
    if (c.REDIS_CLUSTER_NODES && !/\{[^{}]+\}/.test(c.QUEUE_PREFIX))
      ctx.addIssue({
        code: 'custom',
        path: ['QUEUE_PREFIX'],
        message: 'must contain a {hash tag} with REDIS_CLUSTER_NODES, so that each queue stays in one slot',
      });
    if (c.REDIS_CLUSTER_NODES && /^rediss?:\/\/[^/]*\/[1-9]/.test(c.REDIS_URL))
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_URL'],
        message: 'names a database other than 0, which Redis Cluster does not have',
      });
  });

/** The validated environment; the only place that reads process.env. */
export type Config = z.infer<typeof schema>;

/** Thrown at start-up with every problem of the environment at once. */
export class ConfigError extends Error {}

/** Parses and validates the environment, reporting every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid environment:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** Whether responses carry x-sql-count. */
export function sqlCountHeader(c: Config): boolean {
  return c.SQL_COUNT_HEADER ? c.SQL_COUNT_HEADER === 'on' : c.NODE_ENV !== 'production';
}

/**
 * The full settings for a partial configuration (tests and tools give only the URLs): every
 * omitted value takes its default, exactly as at start-up.
 */
export function withDefaults<T extends Pick<Config, 'DATABASE_URL' | 'REDIS_URL'> & Partial<Config>>(
  c: T,
): Config {
  const defined = Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined));
  return { ...loadConfig({ DATABASE_URL: c.DATABASE_URL, REDIS_URL: c.REDIS_URL }), ...defined } as Config;
}

let cached: Config | undefined;
/** The process-wide configuration, loaded on first use. */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
