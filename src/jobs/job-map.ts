import { z } from 'zod';

/** The one queue the case deadline jobs run on. */
export const CASES_QUEUE = 'cases';

const deadlinePayload = z.object({
  districtCode: z.string().min(1),
  caseId: z.number().int().positive(),
  /** The due date the job was scheduled for, ISO 8601; a case whose due date moved ignores it. */
  dueAt: z.string().datetime({ offset: true }),
});

/** Every job name and its payload, in one place (payloads are validated when a job runs). */
export const JOB_PAYLOADS = {
  /** Warn before a case's deadline (临期提醒). */
  'case-deadline-warning': deadlinePayload,
  /** Escalate a case still open at its deadline one level up (超期升级). */
  'case-deadline-overdue': deadlinePayload,
} as const;

/** A job name. */
export type JobName = keyof typeof JOB_PAYLOADS;

/** The payload of a job by name. */
export type JobPayload<K extends JobName> = z.infer<(typeof JOB_PAYLOADS)[K]>;

/**
 * The job id of a deadline job: one per case, due date and kind, so scheduling the same deadline
 * again (a retried request, a restarted process) adds nothing.
 */
export function deadlineJobId(name: JobName, caseId: number, dueAt: Date): string {
  return `${name}-${caseId}-${dueAt.getTime()}`;
}
