import { registerEnumType } from 'type-graphql';

/** How a case arrived. */
export enum CaseChannel {
  APP = 'APP',
  HOTLINE_12345 = 'HOTLINE_12345',
  GRID_WORKER = 'GRID_WORKER',
  PHOTO = 'PHOTO',
}
registerEnumType(CaseChannel, {
  name: 'CaseChannel',
  description: 'How a case arrived.',
  valuesConfig: {
    APP: { description: 'The resident app or mini program.' },
    HOTLINE_12345: { description: 'The 12345 government hotline.' },
    GRID_WORKER: { description: 'A grid worker (网格员) on patrol.' },
    PHOTO: { description: '随手拍: a photo report.' },
  },
});

/** A workflow step (see src/cases/case.workflow.ts for the allowed transitions). */
export enum CaseAction {
  FILE = 'FILE',
  REJECT = 'REJECT',
  DISPATCH = 'DISPATCH',
  CLAIM = 'CLAIM',
  START = 'START',
  RESOLVE = 'RESOLVE',
  CHECK = 'CHECK',
  CLOSE = 'CLOSE',
  REWORK = 'REWORK',
  RETURN = 'RETURN',
  EXTEND = 'EXTEND',
  PARK = 'PARK',
  UNPARK = 'UNPARK',
  ESCALATE = 'ESCALATE',
  REOPEN = 'REOPEN',
}
registerEnumType(CaseAction, {
  name: 'CaseAction',
  description:
    'A workflow step on a case; an illegal step for the current status is refused, naming both states.',
  valuesConfig: {
    FILE: {
      description: '立案: REPORTED → FILED; sets the due date from the category limit in working days.',
    },
    REJECT: { description: '不予立案: REPORTED → INVALID; the note is the reason.' },
    DISPATCH: {
      description: '派遣: FILED, RETURNED, ESCALATED or REOPENED → DISPATCHED (optionally to a department).',
    },
    CLAIM: { description: '签收: DISPATCHED or ESCALATED → CLAIMED.' },
    START: { description: '开始处置: CLAIMED → IN_PROGRESS.' },
    RESOLVE: { description: '处置完成: IN_PROGRESS → RESOLVED; the note is the result fed back.' },
    CHECK: { description: '核查: RESOLVED → CHECKED.' },
    CLOSE: { description: '结案: CHECKED → CLOSED.' },
    REWORK: { description: '返工: RESOLVED or CHECKED → DISPATCHED; note required.' },
    RETURN: {
      description: '回退: DISPATCHED or CLAIMED → RETURNED (wrong unit, to be re-dispatched); note required.',
    },
    EXTEND: {
      description:
        '延期: a new due date, status unchanged; the original due date is kept; note and approver required.',
    },
    PARK: { description: '挂账: an open case set aside; note and approver required.' },
    UNPARK: { description: '解除挂账: PARKED → DISPATCHED with a new due date.' },
    ESCALATE: { description: '上报: community → street → district command center, with a new due date.' },
    REOPEN: { description: '重新办理: CLOSED → REOPENED, only after an unsatisfied rating (1 or 2).' },
  },
});

/** Who handles a case. */
export enum CaseHandlingLevel {
  COMMUNITY = 'COMMUNITY',
  STREET = 'STREET',
  DISTRICT = 'DISTRICT',
}
registerEnumType(CaseHandlingLevel, {
  name: 'CaseHandlingLevel',
  description: 'The level that handles a case: 社区, 街道 or the district command center (区指挥中心).',
  valuesConfig: {
    COMMUNITY: { description: '社区: the community (or village) that owns the location.' },
    STREET: { description: '街道: the street office.' },
    DISTRICT: { description: '区指挥中心: the district command center, which coordinates departments.' },
  },
});
