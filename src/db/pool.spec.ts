import { openTestDb, TestDb } from '../../test/harness';
import { withDefaults } from '../config/config';

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
    expect(
      withDefaults({ DATABASE_URL: 'postgresql://x/y', REDIS_URL: 'redis://x' }).DB_STATEMENT_TIMEOUT_MS,
    ).toBe(60_000);
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
