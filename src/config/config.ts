import { z } from 'zod';

const schema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL'),
  PORT: z.coerce.number().int().min(1).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Prefix for BullMQ queues and pub/sub channels; wrap in {braces} for Redis Cluster hash tags. */
  QUEUE_PREFIX: z.string().min(1).default('yibiao'),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  /** Where uploaded rosters are kept (by content hash) so that a run can be resumed. */
  INGEST_STORAGE_DIR: z.string().min(1).default('storage/ingest'),
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

let cached: Config | undefined;
/** The process-wide configuration, loaded on first use. */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
