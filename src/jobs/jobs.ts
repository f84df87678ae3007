/** Every background job: its name and payload, in one typed map. */
export interface JobPayloads {
  /** Execute (or resume) an ingest run. */
  'ingest.run': { runId: number };
}

/** A job name. */
export type JobName = keyof JobPayloads;

/** Queue of each job. */
export const QUEUE_OF: Record<JobName, string> = { 'ingest.run': 'ingest' };

/**
 * The job id that makes a job idempotent: enqueuing the same run twice gives one job, and a job
 * whose worker died is retried under the same id, resuming the run from its checkpoint.
 */
export function jobIdFor<N extends JobName>(name: N, payload: JobPayloads[N]): string {
  switch (name) {
    case 'ingest.run':
      return `ingest-run-${payload.runId}`;
    default:
      throw new Error(`unknown job ${String(name)}`);
  }
}
