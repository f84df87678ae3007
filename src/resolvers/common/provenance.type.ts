import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { ReviewDecision } from './enums';

/** Kinds of source a value can come from. */
export enum SourceKind {
  INGEST = 'INGEST',
  STAFF_EDIT = 'STAFF_EDIT',
  SEED = 'SEED',
  SYSTEM = 'SYSTEM',
}
registerEnumType(SourceKind, {
  name: 'SourceKind',
  description: 'How a value reached the ledger.',
  valuesConfig: {
    INGEST: { description: 'A row of a department spreadsheet (导入).' },
    STAFF_EDIT: { description: 'Entered or corrected by staff through the API.' },
    SEED: { description: 'Loaded with the fixture district.' },
    SYSTEM: { description: 'Computed by the system (routing, escalation).' },
  },
});

/** Where a value came from. */
@ObjectType({
  description: 'A received row or edit that supplied values (来源记录). Never changes once written.',
})
export class SourceRecord {
  @Field(() => ID, { description: 'Source record number.' })
  id: number;

  @Field(() => SourceKind, { description: 'How it arrived.' })
  kind: SourceKind;

  @Field(() => String, { nullable: true, description: 'Code of the department that supplied it.' })
  departmentCode: string | null;

  @Field(() => String, { nullable: true, description: 'Account or system that sent it.' })
  actor: string | null;

  @Field(() => String, { nullable: true, description: 'File name, for ingested rows.' })
  fileName: string | null;

  @Field(() => String, { nullable: true, description: 'Sheet name, for ingested spreadsheet rows.' })
  sheet: string | null;

  @Field(() => Int, { nullable: true, description: 'Row number in the sheet, for ingested rows.' })
  rowNumber: number | null;

  @Field({ description: 'When it was received (transaction time).' })
  receivedAt: Date;
}

/** The source of one current field value. */
@ObjectType({ description: 'Which source record supplied the current value of one field (字段来源).' })
export class FieldSource {
  @Field({ description: 'Field name, as in the GraphQL type (e.g. phone).' })
  field: string;

  @Field(() => SourceRecord, { nullable: true, description: 'The source record of the current value.' })
  source: SourceRecord | null;
}

/** One field's change. */
@ObjectType({ description: 'One field changed by a ledger change.' })
export class FieldChange {
  @Field({ description: 'Field name, as in the GraphQL type.' })
  field: string;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'Value before the change (null for a new record).',
  })
  oldValue: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Value after the change.' })
  newValue: unknown;
}

/** One entry of an entity's change log. */
@ObjectType({ description: 'One entry of the append-only change log (变更记录).' })
export class LedgerChange {
  @Field(() => ID, { description: 'Change number (increasing).' })
  id: number;

  @Field({ description: 'CREATE, UPDATE, MERGE or UNMERGE.' })
  op: string;

  @Field(() => [FieldChange], { description: 'The fields that changed.' })
  fields: FieldChange[];

  @Field(() => String, { nullable: true, description: 'Who made the change.' })
  actor: string | null;

  @Field({ description: 'When the change was recorded (transaction time).' })
  recordedAt: Date;

  sourceRecordId: number | null;
}

/** A disagreement between sources. */
@ObjectType({
  description: 'Two sources disagree about one field (冲突); the value not chosen is kept here for review.',
})
export class Conflict {
  @Field(() => ID, { description: 'Conflict number.' })
  id: number;

  @Field({ description: 'Field name, as in the GraphQL type.' })
  field: string;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The value the ledger holds.' })
  chosenValue: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The value another source gave.' })
  otherValue: unknown;

  @Field({ description: 'OPEN or RESOLVED.' })
  status: string;

  @Field({ description: 'When the disagreement was found.' })
  createdAt: Date;

  @Field(() => ReviewDecision, {
    nullable: true,
    description: 'How a reviewer answered it (resolveReviewItem).',
  })
  decision: ReviewDecision | null;

  @Field(() => Date, { nullable: true, description: 'When it was answered.' })
  resolvedAt: Date | null;

  chosenSourceId: number | null;
  otherSourceId: number;
}
