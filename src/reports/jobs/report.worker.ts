import { Job, UnrecoverableError, Worker } from 'bullmq';
import { createRedis, RedisConnect } from '../../config/redis';
import { AppError } from '../../errors/app-error';
import type { ReportCapability } from '../report.wiring';
import { handleRefreshCohorts } from './refresh-cohorts.job';
import { handleSendOutreach } from './send-outreach.job';
import { handleGenerateReport } from './generate-report.job';
import { handleQuarterReports } from './quarter-reports.job';
import { REPORT_QUEUE, ReportJobName, ReportJobs } from './report.jobs';

/** A running report worker. */
export interface ReportWorker {
  worker: Worker;
  close(): Promise<void>;
}

/**
 * Runs report jobs: one handler per job name. A job with bad input (unknown form, area...) fails
 * for good instead of being retried.
 */
export function startReportWorker(
  reports: ReportCapability,
  opts: { redis: RedisConnect; prefix: string; concurrency?: number },
): ReportWorker {
  const connection = createRedis(opts.redis, { maxRetriesPerRequest: null });
  const worker = new Worker(
    REPORT_QUEUE,
    async (job: Job) => {
      const name = job.name as ReportJobName;
      try {
        switch (name) {
          case 'generate-report':
            return await handleGenerateReport(reports, job.data as ReportJobs['generate-report']);
          case 'quarter-reports':
            return await handleQuarterReports(reports, job.data as ReportJobs['quarter-reports']);
          case 'refresh-cohorts':
            return await handleRefreshCohorts(reports.cohorts, job.data as ReportJobs['refresh-cohorts']);
          case 'send-outreach':
            return await handleSendOutreach(reports.outreach, job.data as ReportJobs['send-outreach']);
          default: {
            const unknown: never = name;
            throw new UnrecoverableError(`unknown report job ${String(unknown)}`);
          }
        }
      } catch (e) {
        if (e instanceof AppError) throw new UnrecoverableError(e.message);
        throw e;
      }
    },
    { connection, prefix: opts.prefix, concurrency: opts.concurrency ?? 1 },
  );
  return {
    worker,
    async close() {
      await worker.close();
      await connection.quit().catch(() => undefined);
    },
  };
}
