import { Queue } from 'bullmq';
import { createRedis, RedisClient, RedisConnect } from '../../config/redis';
import type { ReportJobQueue } from '../report.service';
import { COHORT_SCHEDULE, QUARTER_SCHEDULE, REPORT_QUEUE, ReportJobs } from './report.jobs';

/** The BullMQ queue of report jobs, created on first use so idle processes hold no connection. */
export class LazyReportQueue implements ReportJobQueue {
  private queue: Queue | undefined;
  private connection: RedisClient | undefined;

  constructor(
    private readonly redis: RedisConnect,
    private readonly prefix: string,
  ) {}

  /** The underlying queue (connects on first call). */
  get(): Queue {
    if (!this.queue) {
      this.connection = createRedis(this.redis, { maxRetriesPerRequest: null });
      this.queue = new Queue(REPORT_QUEUE, { connection: this.connection, prefix: this.prefix });
    }
    return this.queue;
  }

  /** Adds a job; a jobId that is already queued is not added twice (BullMQ dedupes by id). */
  async add<K extends keyof ReportJobs>(name: K, data: ReportJobs[K], opts: { jobId?: string } = {}) {
    return this.get().add(name, data, {
      jobId: opts.jobId,
      attempts: 3,
      backoff: { type: 'exponential', delay: 5000 },
      removeOnComplete: 1000,
      removeOnFail: 5000,
    });
  }

  /** Installs (or updates) the repeatable job that requests every form after each quarter end. */
  async scheduleQuarterReports(): Promise<void> {
    await this.get().upsertJobScheduler('quarter-reports', QUARTER_SCHEDULE, {
      name: 'quarter-reports',
      data: {},
    });
  }

  /** Installs (or updates) the daily cohort refresh. */
  async scheduleCohortRefresh(): Promise<void> {
    await this.get().upsertJobScheduler('refresh-cohorts', COHORT_SCHEDULE, {
      name: 'refresh-cohorts',
      data: {},
    });
  }

  /** Closes the connection if one was opened. */
  async close(): Promise<void> {
    await this.queue?.close();
    await this.connection?.quit().catch(() => undefined);
  }
}
