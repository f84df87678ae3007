import type { CaseRow } from '../registry/registry.types';
import type { CaseAction, CaseStatus, HandlingLevel } from './case.workflow';

/** A case with its workflow fields (a superset of the registry's case row). */
export interface CaseRecord extends CaseRow {
  categoryVersion: string | null;
  routingReason: string | null;
  handlingLevel: HandlingLevel | null;
  handlingAreaCode: string | null;
  departmentCode: string | null;
  escalationLevel: number | null;
  photos: string[] | null;
  invalidReason: string | null;
  filedAt: Date | null;
  dueAt: Date | null;
  originalDueAt: Date | null;
  claimedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  rating: number | null;
  ratingComment: string | null;
  ratedAt: Date | null;
  warnedDueAt: Date | null;
}

/** The channels a case arrives through. */
export type CaseChannel = 'APP' | 'HOTLINE_12345' | 'GRID_WORKER' | 'PHOTO';

/** What a reporter (or the hotline operator) sends. */
export interface ReportCaseInput {
  categoryCode: string;
  description: string;
  location: unknown;
  channel: CaseChannel;
  reporterName?: string | null;
  reporterPhone?: string | null;
  photoIds?: string[] | null;
}

/** One workflow step asked for. */
export interface TransitionInput {
  caseId: number;
  action: CaseAction;
  note?: string | null;
  approver?: string | null;
  /** DISPATCH: the department to send the case to (defaults to the category's). */
  departmentCode?: string | null;
  /** EXTEND: working days added to the current due date. */
  extendWorkingDays?: number | null;
  expectedVersion?: number | null;
}

/** One recorded step of a case's history (case_transition). */
export interface CaseTransitionRow {
  id: number;
  caseId: number;
  action: string;
  fromStatus: CaseStatus | null;
  toStatus: CaseStatus;
  actor: string;
  approver: string | null;
  note: string | null;
  sourceRecordId: number | null;
  recordedAt: Date;
}

/** A change of a case, published after commit to live subscribers. */
export interface CaseChange {
  caseId: number;
  districtCode: string;
  areaCode: string | null;
  action: string;
  fromStatus: string | null;
  toStatus: string;
  recordedAt: string;
}

/** The assessment figures for an area subtree and a period (see `CaseService.kpis`). */
export interface CaseKpis {
  areaCode: string;
  from: Date;
  to: Date;
  received: number;
  filed: number;
  due: number;
  closed: number;
  closedOnTime: number;
  completionRate: number | null;
  onTimeRate: number | null;
  closedInPeriod: number;
  closedAtOrBelowStreet: number;
  shareClosedAtOrBelowStreet: number | null;
  meanHandlingWorkingDays: number | null;
  rated: number;
  satisfied: number;
  satisfactionRate: number | null;
  meanRating: number | null;
}
