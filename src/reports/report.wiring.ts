import { DEFAULT_QUEUE_PREFIX, redisTargetOf } from '../config/redis';
import path from 'node:path';
import type pg from 'pg';
import { repoRoot } from '../config/paths';
import type { AreaService } from '../geo/area.service';
import { CohortService } from './cohorts/cohort.service';
import { FormRegistry } from './forms/form.registry';
import { LazyReportQueue } from './jobs/report.queue';
import { OutreachService } from './outreach/outreach.service';
import { FileRecordingSender } from './outreach/outreach.sender';
import { ReportEngine } from './engine/report-engine';
import { ReportService } from './report.service';

/** The report capability of one process: reports, cohorts, outreach and the job queue. */
export type ReportCapability = ReportService & {
  queue: LazyReportQueue;
  cohorts: CohortService;
  outreach: OutreachService;
  close(): Promise<void>;
};

/**
 * Wires the report capability: the engine over the shipped forms, report files under REPORTS_DIR
 * (default storage/reports), the outreach outbox file beside it (storage/outreach/outbox.jsonl)
 * with the recording sender, and a lazily connected BullMQ queue.
 */
export function createReportService(
  pool: pg.Pool,
  areas: AreaService,
  config: Parameters<typeof redisTargetOf>[0] & { QUEUE_PREFIX?: string; REPORTS_DIR?: string },
): ReportCapability {
  const dir = path.resolve(config.REPORTS_DIR ?? path.join(repoRoot(), 'storage', 'reports'));
  const service = new ReportService(pool, areas, new ReportEngine(pool, areas, new FormRegistry()), dir);
  const queue = new LazyReportQueue(redisTargetOf(config), config.QUEUE_PREFIX ?? DEFAULT_QUEUE_PREFIX);
  service.useQueue(queue);
  const cohorts = new CohortService(pool, areas);
  const outreach = new OutreachService(
    pool,
    areas,
    cohorts,
    new FileRecordingSender(path.join(path.dirname(dir), 'outreach', 'outbox.jsonl')),
  );
  return Object.assign(service, { queue, cohorts, outreach, close: () => queue.close() });
}
