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
  /** Where uploaded case photos are stored (default: .data/photos in the checkout). */
  CASE_PHOTO_DIR: z.string().min(1).optional(),
  /** How long before a case's deadline the warning goes out. */
  CASE_WARN_BEFORE_MINUTES: z.coerce.number().int().min(0).max(10080).default(240),
  /** A calendar override file (same shape as chinese-days' data) for a year's new holiday notice. */
  CALENDAR_OVERRIDE_FILE: z.string().min(1).optional(),
  /** Comma-separated API keys accepted by the Open311 facade for filing requests. */
  OPEN311_API_KEYS: z.string().default(''),
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
