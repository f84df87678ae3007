import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { createRedis, DEFAULT_QUEUE_PREFIX, RedisClient, RedisConnect } from '../config/redis';
import type { Services } from '../app/services';
import { TOPIC } from '../graphql/pubsub';
import { jobIdFor, QUEUE_OF, type JobPayloads } from '../jobs/jobs';
import type { IngestRunRow } from './run/ingest.service';

type Payload = JobPayloads['ingest.run'];

/**
 * The handler of `ingest.run`: executes the run, reporting progress to the job and to
 * `ingestProgress` subscribers after each committed batch. A run that does not exist is an
 * unrecoverable failure, not a retry; a run whose worker died resumes from its checkpoint.
 */
export function ingestRunHandler(services: Services) {
  return async (
    job: Job<Payload>,
  ): Promise<Pick<IngestRunRow, 'id' | 'status' | 'landed' | 'skipped' | 'rejected'>> => {
    const run = await services.ingest.get(job.data.runId);
    if (!run) throw new UnrecoverableError(`ingest run ${job.data.runId} does not exist`);
    const done = await services.ingest.execute(run.id, {
      onProgress: (p) => {
        void job.updateProgress(p);
        services.events.publish(TOPIC.INGEST_PROGRESS, p);
      },
    });
    return {
      id: done.id,
      status: done.status,
      landed: done.landed,
      skipped: done.skipped,
      rejected: done.rejected,
    };
  };
}

/** The ingest queue: enqueue runs, and (in a worker process) execute them. */
export class IngestQueue {
  private readonly connection: RedisClient;
  private readonly queue: Queue<Payload>;
  private worker: Worker<Payload> | undefined;
  private workerConnection: RedisClient | undefined;

  constructor(
    redis: RedisConnect,
    private readonly prefix = DEFAULT_QUEUE_PREFIX,
  ) {
    this.connection = createRedis(redis, { maxRetriesPerRequest: null });
    this.queue = new Queue<Payload>(QUEUE_OF['ingest.run'], {
      connection: this.connection,
      prefix: this.prefix,
    });
  }

  /** Queues a run (once: the job id is the run's). */
  async enqueue(runId: number): Promise<void> {
    const payload = { runId };
    await this.queue.add('ingest.run', payload, {
      jobId: jobIdFor('ingest.run', payload),
      attempts: 3,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: 1000,
    });
  }

  /** Starts executing queued runs in this process. */
  startWorker(services: Services, concurrency = 1): Worker<Payload> {
    this.workerConnection = this.connection.duplicate();
    this.worker = new Worker<Payload>(QUEUE_OF['ingest.run'], ingestRunHandler(services), {
      connection: this.workerConnection,
      prefix: this.prefix,
      concurrency,
    });
    return this.worker;
  }

  /** Closes the worker and the connections. */
  async close(): Promise<void> {
    await this.worker?.close();
    await this.workerConnection?.quit().catch(() => undefined);
    await this.queue.close();
    await this.connection.quit().catch(() => undefined);
  }
}
