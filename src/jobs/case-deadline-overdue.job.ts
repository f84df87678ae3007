import type { Services } from '../app/services';
import type { JobPayload } from './job-map';

/**
 * Escalates a case still open at its due date one level up (community → street → district command
 * center); a no-op when the case was closed, parked, extended or escalated meanwhile.
 */
export async function caseDeadlineOverdueJob(
  services: Services,
  payload: JobPayload<'case-deadline-overdue'>,
): Promise<{ escalated: boolean }> {
  return { escalated: await services.cases.escalateOverdue(payload.caseId, new Date(payload.dueAt)) };
}
