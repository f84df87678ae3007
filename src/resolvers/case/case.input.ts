import { Field, ID, InputType, Int } from 'type-graphql';
import { GeoJSONScalar } from '../../graphql/scalars';
import { CaseAction, CaseChannel } from './case.enums';

/** A reported problem. */
@InputType({ description: 'A problem reported by a resident, the hotline or a grid worker.' })
export class ReportCaseInput {
  @Field({ description: 'Category code from the case category list (事项分类), e.g. L0102 for 马蜂窝.' })
  categoryCode: string;

  @Field({ description: "What is wrong, in the reporter's words." })
  description: string;

  @Field(() => GeoJSONScalar, {
    description: 'Where: a GeoJSON Point {"type":"Point","coordinates":[lon,lat]} (WGS 84).',
  })
  location: unknown;

  @Field(() => CaseChannel, { description: 'How the case arrived.' })
  channel: CaseChannel;

  @Field(() => String, { nullable: true, description: 'Reporter name (optional).' })
  reporterName?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Reporter phone, for the feedback call; masked in every answer.',
  })
  reporterPhone?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Ids of photos uploaded before with POST /cases/photos (multipart, field "file").',
  })
  photoIds?: string[] | null;
}

/** One workflow step. */
@InputType({ description: 'One workflow step on a case.' })
export class TransitionCaseInput {
  @Field(() => ID, { description: 'The case.' })
  caseId: string;

  @Field(() => CaseAction, { description: 'The step to take.' })
  action: CaseAction;

  @Field(() => String, {
    nullable: true,
    description:
      'Note (办理意见); required for REJECT (the reason), RESOLVE, REWORK, RETURN, EXTEND, PARK and REOPEN.',
  })
  note?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The approver (审批人); required for EXTEND and PARK.',
  })
  approver?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "DISPATCH: the department to send the case to (default: the category's).",
  })
  departmentCode?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'EXTEND: working days added to the current due date (1–30).',
  })
  extendWorkingDays?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'The version the actor saw; a later change by someone else is refused as a conflict.',
  })
  expectedVersion?: number | null;
}

/** The reporter's rating. */
@InputType({ description: "The reporter's rating of a closed case." })
export class RateCaseInput {
  @Field(() => ID, { description: 'The case.' })
  caseId: string;

  @Field(() => Int, { description: 'Satisfaction from 1 (very unsatisfied) to 5 (very satisfied).' })
  score: number;

  @Field(() => String, { nullable: true, description: 'Comment (评价).' })
  comment?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Reopen the case (only with a score of 1 or 2).' })
  reopen?: boolean | null;
}
