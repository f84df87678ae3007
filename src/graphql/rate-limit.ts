import type { RedisClient } from '../config/redis';

/**
 * A fixed-window request counter per key (API key, account or address) in Redis, shared by
 * every replica. Returns whether the request may proceed and the seconds until the window ends.
 */
export async function takeToken(
  redis: RedisClient,
  prefix: string,
  key: string,
  perMinute: number,
): Promise<{ allowed: boolean; retryAfter: number }> {
  const window = Math.floor(Date.now() / 60_000);
  const k = `${prefix}:ratelimit:${key}:${window}`;
  const [[, count]] = (await redis.multi().incr(k).expire(k, 61).exec()) as [[Error | null, number]];
  return { allowed: Number(count) <= perMinute, retryAfter: 60 - Math.floor((Date.now() / 1000) % 60) };
}
