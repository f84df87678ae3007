import type pg from 'pg';
import { Config } from '../config/config';
import { createPool } from '../db/pool';
import { createPrisma, Db } from '../db/prisma';
import { CaseService } from '../cases/case.service';
import { createAppPubSub, AppPubSub, recordChangedEvents, TOPIC } from '../graphql/pubsub';
import { AreaService } from '../geo/area.service';
import { HistoryService } from '../ledger/history.service';
import { LedgerService } from '../ledger/ledger.service';
import { FactService } from '../registry/fact.service';
import { HouseService } from '../registry/house.service';
import { HouseholdService } from '../registry/household.service';
import { PersonService } from '../registry/person.service';
import { ThingService } from '../registry/thing.service';
import { IngestService } from '../ingest/run/ingest.service';
import { MergeService } from '../ledger/merge.service';

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
  events: AppPubSub;
  ingest: IngestService;
  merges: MergeService;
  close(): Promise<void>;
}

/** Wires the services over one database (and, later, Redis). */
export function createServices(config: Services['config']): Services {
  const pool = createPool(config.DATABASE_URL, config.DB_POOL_SIZE ?? 10);
  const prisma = createPrisma(config.DATABASE_URL, Math.max(2, Math.floor((config.DB_POOL_SIZE ?? 10) / 2)));
  const ledger = new LedgerService(pool);
  const areas = new AreaService(prisma, pool);
  const events = createAppPubSub(config.REDIS_URL, config.QUEUE_PREFIX ?? 'yibiao');
  ledger.onCommit((result) => {
    for (const e of recordChangedEvents(result)) events.publish(TOPIC.RECORD_CHANGED, e);
  });
  return {
    config,
    pool,
    prisma,
    ledger,
    history: new HistoryService(pool),
    areas,
    persons: new PersonService(pool, ledger, areas),
    households: new HouseholdService(pool, ledger, areas),
    houses: new HouseService(pool, ledger, areas),
    things: new ThingService(pool, ledger, areas),
    facts: new FactService(pool, ledger),
    cases: new CaseService(pool, areas),
    events,
    merges: new MergeService(pool, ledger),
    ingest: new IngestService(pool, ledger, areas, { storageDir: config.INGEST_STORAGE_DIR ?? 'storage/ingest' }),
    async close() {
      await events.close();
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
