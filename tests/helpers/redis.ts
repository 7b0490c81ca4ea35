import { Redis } from 'ioredis';

/** The Redis the process tests share their line through (the machine's, under a key prefix of their own). */
export const testRedisUrl = process.env.TAQUILLA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function redisReachable(url = testRedisUrl): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** Deletes a test's keys (its own prefix) from the shared Redis. */
export async function dropRedisKeys(prefix: string, url = testRedisUrl): Promise<void> {
  const redis = new Redis(url);
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
