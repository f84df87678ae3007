import { DEFAULT_QUEUE_PREFIX, redisTargetOf } from '../config/redis';
import path from 'node:path';
import type pg from 'pg';
import type { Config } from '../config/config';
import { repoRoot } from '../config/paths';
import type { AreaService } from '../geo/area.service';
import type { LedgerService } from '../ledger/ledger.service';
import { BullDeadlineScheduler } from '../jobs/case-deadline.scheduler';
import { loadCategoryList } from './calendar/categories';
import { WorkingCalendar } from './calendar/working-days';
import { CaseClock, calendarPolicy } from './case-clock';
import { CaseService } from './case.service';
import { PhotoStore } from './photo.store';

/** Builds the case service from the configuration: code list, official calendar, photo store, deadline jobs. */
export function createCaseService(
  config: Pick<Config, 'DATABASE_URL' | 'REDIS_URL'> & Partial<Config>,
  deps: { pool: pg.Pool; ledger: LedgerService; areas: AreaService },
): CaseService {
  const categories = loadCategoryList(path.join(repoRoot(), 'fixtures', 'case-categories.json'));
  const calendar = WorkingCalendar.fromPackage(config.CALENDAR_OVERRIDE_FILE);
  const clock = new CaseClock(calendarPolicy(calendar), (config.CASE_WARN_BEFORE_MINUTES ?? 240) * 60_000);
  return new CaseService({
    ...deps,
    categories,
    clock,
    photos: new PhotoStore(config.CASE_PHOTO_DIR ?? path.join(repoRoot(), '.data', 'photos')),
    scheduler: new BullDeadlineScheduler(redisTargetOf(config), config.QUEUE_PREFIX ?? DEFAULT_QUEUE_PREFIX),
  });
}
