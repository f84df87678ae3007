import { Job, UnrecoverableError, Worker } from 'bullmq';
import { createRedis, RedisConnect } from '../config/redis';
import type { Services } from '../app/services';
import { caseDeadlineOverdueJob } from './case-deadline-overdue.job';
import { caseDeadlineWarningJob } from './case-deadline-warning.job';
import { CASES_QUEUE, JOB_PAYLOADS, JobName, JobPayload } from './job-map';

type Handler<K extends JobName> = (services: Services, payload: JobPayload<K>) => Promise<unknown>;

/** One handler per job name. */
const HANDLERS: { [K in JobName]: Handler<K> } = {
  'case-deadline-warning': caseDeadlineWarningJob,
  'case-deadline-overdue': caseDeadlineOverdueJob,
};

/** A running worker. */
export interface RunningWorker {
  worker: Worker;
  close(): Promise<void>;
}

/**
 * Runs the BullMQ workers of this process. A payload that does not match the job map is an
 * unrecoverable failure (retrying cannot fix it); anything else is retried with backoff.
 */
export async function startWorkers(
  services: Services,
  opts: { redis: RedisConnect; prefix: string; concurrency?: number; log?: (line: string) => void },
): Promise<RunningWorker> {
  const connection = createRedis(opts.redis, { maxRetriesPerRequest: null });
  const worker = new Worker(
    CASES_QUEUE,
    async (job: Job) => {
      const name = job.name as JobName;
      const schema = JOB_PAYLOADS[name];
      if (!schema) throw new UnrecoverableError(`unknown job ${job.name}`);
      const parsed = schema.safeParse(job.data);
      if (!parsed.success)
        throw new UnrecoverableError(`bad payload for ${job.name}: ${parsed.error.message}`);
      return (HANDLERS[name] as Handler<JobName>)(services, parsed.data);
    },
    { connection, prefix: opts.prefix, concurrency: opts.concurrency ?? 4 },
  );
  worker.on('failed', (job, err) =>
    opts.log?.(`job ${job?.name ?? '?'} ${job?.id ?? ''} failed: ${err.message}`),
  );
  await worker.waitUntilReady();
  return {
    worker,
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
