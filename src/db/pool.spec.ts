import { openTestDb, TestDb } from '../../test/harness';
import { withDefaults } from '../config/config';
import pg from 'pg';
import { createPool, parseTimestamptz, statementCounter, withTransaction } from './pool';

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

describe('timestamps as PostgreSQL sends them', () => {
  const slow = pg.types.getTypeParser(1184, 'text') as (v: string) => Date;

  it('reads every form PostgreSQL writes as pg-types does, to the millisecond', () => {
    const forms = [
      '2026-11-24 19:41:54+00',
      '2026-11-24 19:41:54.3+00',
      '2026-11-24 19:41:54.324+00',
      '2026-11-24 19:41:54.324567+00',
      '2026-11-24 19:41:54.999999+08',
      '2026-01-01 00:00:00-03:30',
      '2024-02-29 23:59:59.5+05:45',
      '1970-01-01 00:00:00+00',
      '1900-06-15 12:00:00+08',
      '0099-12-31 23:00:00+00',
      '9999-12-31 23:59:59.999+00',
      '1955-04-03 00:00:00+09',
      '0001-01-01 00:00:00+00 BC',
      'infinity',
      '-infinity',
    ];
    for (const v of forms) {
      const want = slow(v) as Date | number;
      const got = parseTimestamptz(v) as Date | number;
      expect([v, got instanceof Date ? got.getTime() : got]).toEqual([
        v,
        want instanceof Date ? want.getTime() : want,
      ]);
    }
  });

  it('agrees with pg-types on 2,000 random instants and offsets, and is what the pool returns', async () => {
    let seed = 7;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const pad = (x: number, w = 2) => String(x).padStart(w, '0');
    for (let k = 0; k < 2000; k++) {
      const frac = rnd(7);
      const fraction = frac ? `.${String(rnd(10 ** frac)).padStart(frac, '0')}` : '';
      const off =
        rnd(3) === 0 ? `${rnd(2) ? '+' : '-'}${pad(rnd(15))}:${pad(rnd(4) * 15)}` : `+${pad(rnd(13))}`;
      const v = `${pad(1000 + rnd(9000), 4)}-${pad(1 + rnd(12))}-${pad(1 + rnd(28))} ${pad(rnd(24))}:${pad(rnd(60))}:${pad(rnd(60))}${fraction}${off}`;
      expect([v, parseTimestamptz(v).getTime()]).toEqual([v, slow(v).getTime()]);
    }
    const db = await openTestDb();
    const pool = createPool(db.url, 1);
    try {
      await pool.query(`SET TIME ZONE 'Asia/Kathmandu'`);
      const { rows } = await pool.query<{ t: Date; text: string }>(
        `SELECT t, t::text AS text FROM (VALUES ('2026-11-24 19:41:54.324567+00'::timestamptz)) v(t)`,
      );
      expect(rows[0].text).toBe('2026-11-25 01:26:54.324567+05:45');
      expect(rows[0].t.toISOString()).toBe('2026-11-24T19:41:54.324Z');
    } finally {
      await pool.end();
      await db.close();
    }
  });
});

describe('write transactions', () => {
  it('run without JIT compilation, in one round trip for BEGIN, and leave the session as it was', async () => {
    const db = await openTestDb();
    const pool = createPool(db.url, 1);
    try {
      const before = (await pool.query<{ jit: string }>('SHOW jit')).rows[0].jit;
      expect(before).toBe('on');
      const store = { count: 0 };
      const inside = await statementCounter.run(store, () =>
        withTransaction(pool, async (c) => (await c.query<{ jit: string }>('SHOW jit')).rows[0].jit),
      );
      expect(inside).toBe('off');
      expect(store.count).toBe(3); // BEGIN (with the setting), the statement, COMMIT
      expect((await pool.query<{ jit: string }>('SHOW jit')).rows[0].jit).toBe('on');
    } finally {
      await pool.end();
      await db.close();
    }
  });
});
