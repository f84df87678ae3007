import { Queue } from 'bullmq';
import { createRedis, RedisClient, RedisConnect } from '../config/redis';
import type { DeadlineScheduler } from '../cases/case.service';
import { CASES_QUEUE, deadlineJobId, JobName, JobPayload } from './job-map';

/**
 * Schedules case deadline jobs as BullMQ delayed jobs in Redis: they outlive the process that
 * scheduled them and fire in whichever worker process runs (`yibiao worker`).
 */
export class BullDeadlineScheduler implements DeadlineScheduler {
  private queue: Queue | undefined;
  private connection: RedisClient | undefined;

  constructor(
    private readonly redis: RedisConnect,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  private q(): Queue {
    if (!this.queue) {
      this.connection = createRedis(this.redis, { maxRetriesPerRequest: null });
      this.queue = new Queue(CASES_QUEUE, { connection: this.connection, prefix: this.prefix });
    }
    return this.queue;
  }

  /** Adds one typed job, delayed until `at`; the job id makes it idempotent. */
  async add<K extends JobName>(name: K, payload: JobPayload<K>, at: Date, jobId: string): Promise<void> {
    await this.q().add(name, payload, {
      jobId,
      delay: Math.max(0, at.getTime() - this.now()),
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 30 * 24 * 3600 },
    });
  }

  /** The warning before the due date and the escalation at it. */
  async schedule(ref: { districtCode: string; caseId: number; dueAt: Date; warnAt: Date }): Promise<void> {
    const payload = { districtCode: ref.districtCode, caseId: ref.caseId, dueAt: ref.dueAt.toISOString() };
    await this.add(
      'case-deadline-warning',
      payload,
      ref.warnAt,
      deadlineJobId('case-deadline-warning', ref.caseId, ref.dueAt),
    );
    await this.add(
      'case-deadline-overdue',
      payload,
      ref.dueAt,
      deadlineJobId('case-deadline-overdue', ref.caseId, ref.dueAt),
    );
  }

  /** The underlying queue (tests and the CLI inspect it). */
  get bullQueue(): Queue {
    return this.q();
  }

  /** Closes the queue's connection. */
  async close(): Promise<void> {
    await this.queue?.close();
    this.connection?.disconnect();
  }
}
