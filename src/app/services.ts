import { DEFAULT_QUEUE_PREFIX, redisTargetOf } from '../config/redis';
import type pg from 'pg';
import { Config, withDefaults } from '../config/config';
import { createPool } from '../db/pool';
import { routeReads } from '../db/replicas';
import { createPrisma, Db } from '../db/prisma';
import { AuditService } from '../auth/audit.service';
import { AuthService } from '../auth/auth.service';
import { signingKey } from '../auth/tokens';
import { CaseService } from '../cases/case.service';
import { createCaseService } from '../cases/case.wiring';
import { LiveEvents } from '../graphql/live-events';
import { wireLiveEvents } from '../graphql/live-publisher';
import { createAppPubSub, AppPubSub, TOPIC } from '../graphql/pubsub';
import { AreaService } from '../geo/area.service';
import { HistoryService } from '../ledger/history.service';
import { LedgerService } from '../ledger/ledger.service';
import { FactService } from '../registry/fact.service';
import { HouseService } from '../registry/house.service';
import { HouseholdService } from '../registry/household.service';
import { PersonService } from '../registry/person.service';
import { ThingService } from '../registry/thing.service';
import { StatisticsService } from '../registry/statistics.service';
import { createReportService } from '../reports/report.wiring';
import { IngestService } from '../ingest/run/ingest.service';
import { MergeService } from '../ledger/merge.service';
import { ReviewService } from '../ingest/review/review.service';
import { DepartmentService } from '../registry/department.service';

/** Every service of one process, wired once. */
export interface Services {
  config: Pick<Config, 'DATABASE_URL' | 'REDIS_URL'> & Partial<Config>;
  pool: pg.Pool;
  prisma: Db;
  ledger: LedgerService;
  history: HistoryService;
  areas: AreaService;
  persons: PersonService;
  households: HouseholdService;
  houses: HouseService;
  things: ThingService;
  facts: FactService;
  cases: CaseService;
  statistics: StatisticsService;
  events: AppPubSub;
  auth: AuthService;
  audit: AuditService;
  reports: ReturnType<typeof createReportService>;
  live: LiveEvents;
  ingest: IngestService;
  merges: MergeService;
  reviews: ReviewService;
  departments: DepartmentService;
  close(): Promise<void>;
}

/** Wires the services over one database (and, later, Redis). */
export function createServices(config: Services['config']): Services {
  const defaults = withDefaults(config);
  const statementTimeoutMs = config.DB_STATEMENT_TIMEOUT_MS ?? defaults.DB_STATEMENT_TIMEOUT_MS;
  const idleMs = config.DB_POOL_IDLE_TIMEOUT_MS ?? defaults.DB_POOL_IDLE_TIMEOUT_MS;
  const prepared = (config.DB_PREPARED_STATEMENTS ?? defaults.DB_PREPARED_STATEMENTS) === 'on';
  const pool = routeReads(
    createPool(config.DATABASE_URL, config.DB_POOL_SIZE ?? 10, statementTimeoutMs, idleMs, prepared),
    replicaUrls(config).map((url) =>
      createPool(url, config.DB_POOL_SIZE ?? 10, statementTimeoutMs, idleMs, prepared),
    ),
  );
  const prisma = createPrisma(
    config.DATABASE_URL,
    Math.max(2, Math.floor((config.DB_POOL_SIZE ?? 10) / 2)),
    statementTimeoutMs,
    idleMs,
  );
  const ledger = new LedgerService(pool);
  const areas = new AreaService(prisma, pool);
  const cases = createCaseService(config, { pool, ledger, areas });
  const live = new LiveEvents(redisTargetOf(config), config.QUEUE_PREFIX ?? DEFAULT_QUEUE_PREFIX);
  const publishing = wireLiveEvents(live, ledger, cases, pool);
  const events = createAppPubSub(redisTargetOf(config), config.QUEUE_PREFIX ?? DEFAULT_QUEUE_PREFIX);
  const reports = createReportService(pool, areas, config);
  const merges = new MergeService(pool, ledger, areas);
  const persons = new PersonService(pool, ledger, areas);
  reports.onFinished((r) =>
    events.publish(TOPIC.REPORT_FINISHED, { id: r.id, status: r.status as 'DONE' | 'FAILED' }),
  );
  return {
    config,
    pool,
    prisma,
    ledger,
    history: new HistoryService(pool),
    areas,
    persons,
    households: new HouseholdService(pool, ledger, areas),
    houses: new HouseService(pool, ledger, areas),
    things: new ThingService(pool, ledger, areas),
    facts: new FactService(pool, ledger),
    cases,
    statistics: new StatisticsService(pool, areas),
    events,
    auth: authServiceOf(pool, areas, withDefaults(config)),
    audit: new AuditService(pool),
    reports,
    live,
    merges,
    reviews: new ReviewService(pool, ledger, areas, merges, persons),
    departments: new DepartmentService(pool, ledger),
    ingest: new IngestService(pool, ledger, areas, {
      storageDir: config.INGEST_STORAGE_DIR ?? 'storage/ingest',
    }),
    async close() {
      await reports.close();
      await events.close();
      await publishing.settled(); // the last writes' live events, before Redis goes
      await live.close();
      await cases.close();
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/** The read replicas' URLs (DATABASE_REPLICA_URLS), none when unset. */
export function replicaUrls(c: Services['config']): string[] {
  return (c.DATABASE_REPLICA_URLS ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
}

function authServiceOf(pool: pg.Pool, areas: AreaService, c: Config): AuthService {
  return new AuthService(pool, areas, {
    signingKey: signingKey(c.AUTH_JWT_SECRET, c.DATABASE_URL),
    accessTokenTtlSeconds: c.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: c.REFRESH_TOKEN_TTL_DAYS,
  });
}
