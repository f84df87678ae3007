import path from 'node:path';
import type pg from 'pg';
import { repoRoot } from '../config/paths';
import type { AreaService } from '../geo/area.service';
import { FormRegistry } from './forms/form.registry';
import { LazyReportQueue } from './jobs/report.queue';
import { ReportEngine } from './report-engine';
import { ReportService } from './report.service';

/** The report capability of one process: service, engine over the shipped forms, job queue. */
export function createReportService(
  pool: pg.Pool,
  areas: AreaService,
  config: { REDIS_URL: string; QUEUE_PREFIX?: string; REPORTS_DIR?: string },
): ReportService & { queue: LazyReportQueue; close(): Promise<void> } {
  const engine = new ReportEngine(pool, areas, new FormRegistry());
  const service = new ReportService(
    pool,
    areas,
    engine,
    config.REPORTS_DIR ?? path.join(repoRoot(), 'storage', 'reports'),
  );
  const queue = new LazyReportQueue(config.REDIS_URL, config.QUEUE_PREFIX ?? 'yibiao');
  service.useQueue(queue);
  return Object.assign(service, { queue, close: () => queue.close() });
}
