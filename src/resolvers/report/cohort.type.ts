import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Person } from '../person/person.type';

/** How a notice reaches a person. */
export enum OutreachChannel {
  SMS = 'SMS',
  CALL = 'CALL',
}
registerEnumType(OutreachChannel, {
  name: 'OutreachChannel',
  description: 'How a notice reaches a person.',
  valuesConfig: {
    SMS: { description: 'Text message (短信).' },
    CALL: { description: 'Outbound call (外呼).' },
  },
});

/** A standing cohort. */
@ObjectType({ description: 'A standing cohort (重点人群) defined once as a ledger query.' })
export class Cohort {
  @Field(() => ID, { description: 'Cohort id, e.g. school-entry.' })
  id: string;

  @Field({ description: 'Name as staff know it.' })
  name: string;

  @Field({ description: 'Who qualifies.' })
  description: string;

  @Field({
    description: 'The notice outreach sends when a campaign gives no template ({name} = the person).',
  })
  defaultTemplate: string;
}

/** Members of a cohort in one area. */
@ObjectType({ description: 'How many members a cohort has in one area.' })
export class CohortAreaCount {
  @Field({ description: 'Area code.' })
  areaCode: string;

  @Field({ description: 'Area name.' })
  name: string;

  @Field(() => Int, { description: 'Members in the area (and below it).' })
  count: number;
}

/** A person entering or leaving a cohort. */
@ObjectType({ description: 'A person entering or leaving a cohort, as seen by a refresh.' })
export class CohortEvent {
  @Field(() => ID, { description: 'Event id (increasing).' })
  id: string;

  @Field({ description: 'ENTERED or EXITED.' })
  kind: string;

  @Field({ description: 'The area the person belonged to.' })
  areaCode: string;

  @Field({ description: 'The evaluation instant at which the change was seen.' })
  occurredAt: Date;

  @Field(() => Person, { nullable: true, description: 'The person (as now).' })
  person: object | null;
}

/** A notification campaign. */
@ObjectType({ description: 'An outreach campaign: notices for a cohort through one channel.' })
export class OutreachCampaign {
  @Field(() => ID, { description: 'Campaign id.' })
  id: string;

  @Field({ description: 'The cohort notified.' })
  cohortId: string;

  @Field(() => OutreachChannel, { description: 'Channel.' })
  channel: OutreachChannel;

  @Field({ description: 'Notice template ({name} = the person).' })
  template: string;

  @Field(() => Int, { description: 'Messages waiting to be sent.' })
  pending: number;

  @Field(() => Int, { description: 'Messages handed to the sender.' })
  sent: number;

  @Field(() => Int, { description: 'Messages the gateway confirmed delivered.' })
  delivered: number;

  @Field(() => Int, { description: 'Messages that failed (no phone, gateway error, opted out).' })
  failed: number;
}

/** What creating a batch did. */
@ObjectType({ description: 'What creating an outreach batch did.' })
export class OutreachBatch {
  @Field(() => Int, { description: 'Cohort members in the area.' })
  members: number;

  @Field(() => Int, { description: 'New messages queued.' })
  queued: number;

  @Field(() => Int, { description: 'Members already in the campaign (one message per person and campaign).' })
  alreadyQueued: number;

  @Field(() => Int, { description: 'Members skipped because they opted out of the channel.' })
  optedOut: number;
}
