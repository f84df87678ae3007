import { openTestDb, TestDb } from '../../test/harness';
import { withDefaults } from '../config/config';

/** The settings a deployment gets when it sets none. */
const DEFAULTS = withDefaults({ DATABASE_URL: 'postgresql://x/y', REDIS_URL: 'redis://x' });

/** The pool-wide statement_timeout from DB_STATEMENT_TIMEOUT_MS, on our pool and on Prisma's. */
describe('statement_timeout of the pools', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb({ config: { DB_STATEMENT_TIMEOUT_MS: 300 } });
  });
  afterAll(async () => {
    await db.close();
  });

  it('ends a statement running longer than DB_STATEMENT_TIMEOUT_MS, on both pools', async () => {
    const started = Date.now();
    await expect(db.services.pool.query('SELECT pg_sleep(5)')).rejects.toMatchObject({ code: '57014' });
    expect(Date.now() - started).toBeLessThan(3_000);
    const prismaStarted = Date.now();
    await expect(db.services.prisma.$queryRawUnsafe('SELECT pg_sleep(5)')).rejects.toThrow(
      /statement timeout/,
    );
    expect(Date.now() - prismaStarted).toBeLessThan(3_000);
    const shown = await db.services.pool.query('SHOW statement_timeout');
    expect(shown.rows[0].statement_timeout).toBe('300ms');
  });

  it('defaults to one minute', async () => {
    expect(DEFAULTS.DB_STATEMENT_TIMEOUT_MS).toBe(60_000);
    const other = await openTestDb();
    try {
      const shown = await other.services.pool.query('SHOW statement_timeout');
      expect(shown.rows[0].statement_timeout).toBe('1min');
      const viaPrisma =
        await other.services.prisma.$queryRawUnsafe<{ statement_timeout: string }[]>(
          'SHOW statement_timeout',
        );
      expect(viaPrisma[0].statement_timeout).toBe('1min');
    } finally {
      await other.close();
    }
  });
});

/** DB_POOL_IDLE_TIMEOUT_MS: connections a burst opened stay open that long, then close. */
describe('idle connections of the pool', () => {
  it('keeps what a burst opened until DB_POOL_IDLE_TIMEOUT_MS has passed, then closes it', async () => {
    // pg's own default (10 s) would keep them all through this test
    const db = await openTestDb({ config: { DB_POOL_IDLE_TIMEOUT_MS: 1_500 } });
    try {
      const pool = db.services.pool;
      await Promise.all([1, 2, 3].map(() => pool.query('SELECT pg_sleep(0.2)')));
      expect(pool.totalCount).toBe(3);
      await new Promise((r) => setTimeout(r, 700));
      expect(pool.totalCount).toBe(3);
      await new Promise((r) => setTimeout(r, 1_800));
      expect(pool.totalCount).toBe(0);
    } finally {
      await db.close();
    }
  });

  it('defaults to one minute, not pg’s 10 s', async () => {
    expect(DEFAULTS.DB_POOL_IDLE_TIMEOUT_MS).toBe(60_000);
    const db = await openTestDb();
    try {
      expect(db.services.pool.options.idleTimeoutMillis).toBe(60_000);
    } finally {
      await db.close();
    }
  });
});
