import { Field, Int, ObjectType } from 'type-graphql';

/** One recorded workflow step. */
@ObjectType({ description: 'One workflow step of a case (流转记录).' })
export class CaseTransition {
  @Field({ description: 'The step: REPORT, FILE, DISPATCH, CLAIM … RATE, WARN (deadline warning).' })
  action: string;

  @Field(() => String, { nullable: true, description: 'Status before the step (none for the report).' })
  fromStatus: string | null;

  @Field({ description: 'Status after the step.' })
  toStatus: string;

  @Field({ description: 'Who took the step (system:deadline for automatic escalation).' })
  actor: string;

  @Field(() => String, { nullable: true, description: 'Who approved it, where approval is required.' })
  approver: string | null;

  /** Resolved by CaseTransitionResolver (free text, masked). */
  note: string | null;

  @Field(() => Int, { nullable: true, description: 'The source record of the step in the ledger.' })
  sourceRecordId: number | null;

  @Field({ description: 'When the step was recorded.' })
  recordedAt: Date;
}

/** The assessment figures. */
@ObjectType({
  description: 'Case assessment figures (考核指标) for an area subtree and a period [from, to).',
})
export class CaseKpis {
  @Field({ description: 'The area whose subtree is counted.' })
  areaCode: string;

  @Field({ description: 'Start of the period (inclusive).' })
  from: Date;

  @Field({ description: 'End of the period (exclusive).' })
  to: Date;

  @Field(() => Int, { description: 'Received (受理): cases reported in the period.' })
  received: number;

  @Field(() => Int, { description: 'Filed (立案) in the period.' })
  filed: number;

  @Field(() => Int, { description: 'Due (应结案): filed, not parked, current due date in the period.' })
  due: number;

  @Field(() => Int, {
    description: 'Closed (结案): of the due cases, those closed by the end of the period.',
  })
  closed: number;

  @Field(() => Int, { description: 'Of the due cases, those closed by their original due date (按期结案).' })
  closedOnTime: number;

  @Field(() => Number, {
    nullable: true,
    description: 'Completion rate (结案率) = closed / due; null when nothing was due.',
  })
  completionRate: number | null;

  @Field(() => Number, { nullable: true, description: 'On-time rate (按期结案率) = closed on time / due.' })
  onTimeRate: number | null;

  @Field(() => Int, { description: 'Cases closed in the period.' })
  closedInPeriod: number;

  @Field(() => Int, {
    description: 'Of those, closed by a community or the street (not the district command center).',
  })
  closedAtOrBelowStreet: number;

  @Field(() => Number, { nullable: true, description: 'Share closed at or below street level.' })
  shareClosedAtOrBelowStreet: number | null;

  @Field(() => Number, {
    nullable: true,
    description: 'Mean handling time, filing to closing, in working days (official calendar).',
  })
  meanHandlingWorkingDays: number | null;

  @Field(() => Int, { description: 'Ratings given in the period.' })
  rated: number;

  @Field(() => Int, { description: 'Of those, satisfied (4 or 5).' })
  satisfied: number;

  @Field(() => Number, { nullable: true, description: 'Satisfaction rate (满意率) = satisfied / rated.' })
  satisfactionRate: number | null;

  @Field(() => Number, { nullable: true, description: 'Mean rating, 1–5.' })
  meanRating: number | null;
}
