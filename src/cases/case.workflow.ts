import { AppError } from '../errors/app-error';

/** Where a case stands (the `case_status` enum). */
export type CaseStatus =
  | 'REPORTED'
  | 'FILED'
  | 'INVALID'
  | 'DISPATCHED'
  | 'CLAIMED'
  | 'IN_PROGRESS'
  | 'RESOLVED'
  | 'CHECKED'
  | 'CLOSED'
  | 'PARKED'
  | 'ESCALATED'
  | 'RETURNED'
  | 'REOPENED';

/** Every state, in workflow order. */
export const CASE_STATUSES: CaseStatus[] = [
  'REPORTED',
  'FILED',
  'INVALID',
  'DISPATCHED',
  'CLAIMED',
  'IN_PROGRESS',
  'RESOLVED',
  'CHECKED',
  'CLOSED',
  'PARKED',
  'ESCALATED',
  'RETURNED',
  'REOPENED',
];

/** A workflow step a member of staff (or the deadline job) takes on a case. */
export type CaseAction =
  | 'FILE'
  | 'REJECT'
  | 'DISPATCH'
  | 'CLAIM'
  | 'START'
  | 'RESOLVE'
  | 'CHECK'
  | 'CLOSE'
  | 'REWORK'
  | 'RETURN'
  | 'EXTEND'
  | 'PARK'
  | 'UNPARK'
  | 'ESCALATE'
  | 'REOPEN';

/** One rule of the state machine. `to: 'SAME'` keeps the state (an extension changes only the due date). */
export interface TransitionRule {
  from: readonly CaseStatus[];
  to: CaseStatus | 'SAME';
  /** 立案 / 签收 …: the staff term, for messages and the schema. */
  label: string;
  noteRequired?: boolean;
  approverRequired?: boolean;
}

const OPEN_WORK: CaseStatus[] = [
  'FILED',
  'DISPATCHED',
  'CLAIMED',
  'IN_PROGRESS',
  'RETURNED',
  'ESCALATED',
  'REOPENED',
];

/**
 * The explicit state machine: REPORTED → FILED (立案) or INVALID (不予立案, with reason) →
 * DISPATCHED (派遣) → CLAIMED (签收) → IN_PROGRESS → RESOLVED (办结) → CHECKED (核查) → CLOSED (结案);
 * REWORK (返工) sends a resolved case back to DISPATCHED, RETURN (回退) marks a wrong unit for
 * re-dispatch, EXTEND (延期) moves the due date (the original is kept), PARK (挂账) sets a case
 * aside, ESCALATE raises it community → street → district command center, and REOPEN follows an
 * unsatisfied rating. Anything not listed here is refused.
 */
export const TRANSITIONS: Record<CaseAction, TransitionRule> = {
  FILE: { from: ['REPORTED'], to: 'FILED', label: '立案' },
  REJECT: { from: ['REPORTED'], to: 'INVALID', label: '不予立案', noteRequired: true },
  DISPATCH: { from: ['FILED', 'RETURNED', 'ESCALATED', 'REOPENED'], to: 'DISPATCHED', label: '派遣' },
  CLAIM: { from: ['DISPATCHED', 'ESCALATED'], to: 'CLAIMED', label: '签收' },
  START: { from: ['CLAIMED'], to: 'IN_PROGRESS', label: '开始处置' },
  RESOLVE: { from: ['IN_PROGRESS'], to: 'RESOLVED', label: '处置完成', noteRequired: true },
  CHECK: { from: ['RESOLVED'], to: 'CHECKED', label: '核查' },
  CLOSE: { from: ['CHECKED'], to: 'CLOSED', label: '结案' },
  REWORK: { from: ['RESOLVED', 'CHECKED'], to: 'DISPATCHED', label: '返工', noteRequired: true },
  RETURN: { from: ['DISPATCHED', 'CLAIMED'], to: 'RETURNED', label: '回退', noteRequired: true },
  EXTEND: {
    from: ['DISPATCHED', 'CLAIMED', 'IN_PROGRESS'],
    to: 'SAME',
    label: '延期',
    noteRequired: true,
    approverRequired: true,
  },
  PARK: { from: OPEN_WORK, to: 'PARKED', label: '挂账', noteRequired: true, approverRequired: true },
  UNPARK: { from: ['PARKED'], to: 'DISPATCHED', label: '解除挂账' },
  ESCALATE: { from: OPEN_WORK, to: 'ESCALATED', label: '上报升级' },
  REOPEN: { from: ['CLOSED'], to: 'REOPENED', label: '重新办理', noteRequired: true },
};

/** States in which nobody is working against a deadline (the deadline jobs leave these alone). */
export const DEADLINE_FREE: ReadonlySet<CaseStatus> = new Set([
  'REPORTED',
  'INVALID',
  'RESOLVED',
  'CHECKED',
  'CLOSED',
  'PARKED',
]);

/**
 * The state a step leads to from `from`, or a BAD_USER_INPUT error naming both states and what the
 * step needs instead. Notes and approvers are checked too, so an incomplete step is refused before
 * anything is written.
 */
export function nextStatus(
  from: CaseStatus,
  action: CaseAction,
  given: { note?: string | null; approver?: string | null },
): CaseStatus {
  const rule = TRANSITIONS[action];
  const to = rule.to === 'SAME' ? from : rule.to;
  if (!rule.from.includes(from)) {
    throw new AppError(
      'CASE_TRANSITION_ILLEGAL',
      `illegal transition ${from} → ${to} (${action} ${rule.label}): allowed only from ${rule.from.join(', ')}`,
      'input.action',
      { from, to, action },
    );
  }
  if (rule.noteRequired && !given.note?.trim()) {
    throw new AppError(
      'CASE_NOTE_REQUIRED',
      `${action} (${rule.label}) needs a note saying why`,
      'input.note',
    );
  }
  if (rule.approverRequired && !given.approver?.trim()) {
    throw new AppError(
      'CASE_APPROVER_REQUIRED',
      `${action} (${rule.label}) needs the approver (审批人)`,
      'input.approver',
    );
  }
  return to;
}

/** Escalation levels, lowest first: community → street → district command center (指挥中心). */
export const HANDLING_LEVELS = ['COMMUNITY', 'STREET', 'DISTRICT'] as const;

/** Who handles a case. */
export type HandlingLevel = (typeof HANDLING_LEVELS)[number];
