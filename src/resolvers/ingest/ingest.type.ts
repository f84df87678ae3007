import { GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

/** Where an ingest run stands. */
export enum IngestRunStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}
registerEnumType(IngestRunStatus, {
  name: 'IngestRunStatus',
  description: 'Where an ingest run (导入批次) stands.',
  valuesConfig: {
    QUEUED: { description: 'Waiting for a worker.' },
    RUNNING: { description: 'Being read and landed; counts grow batch by batch.' },
    SUCCEEDED: { description: 'Every row landed, skipped or rejected.' },
    FAILED: {
      description: 'The file could not be read (nothing was written) or the run stopped; see errorReason.',
    },
  },
});

/** What became of a row that did not land. */
export enum IngestRowOutcome {
  SKIPPED = 'SKIPPED',
  REJECTED = 'REJECTED',
}
registerEnumType(IngestRowOutcome, {
  name: 'IngestRowOutcome',
  description: 'What became of a row that did not land.',
  valuesConfig: {
    SKIPPED: {
      description: 'Not a person row: totals (合计/小计), signature footer (填表人…), repeated header.',
    },
    REJECTED: {
      description:
        "A person row that cannot be landed: no name, a wrong or destroyed ID number, no way to identify the person, or a person recorded outside the uploader's scope (PERSON_OUT_OF_SCOPE).",
    },
  },
});

/** A skipped or rejected row. */
@ObjectType({ description: 'A row of an ingested file that was skipped or rejected, with its reason.' })
export class IngestRowIssue {
  @Field(() => Int, { description: 'Position of the row in the run (file order), for paging with after.' })
  seq: number;

  @Field({ description: 'Sheet name (for a CSV file: the file name without extension).' })
  sheet: string;

  @Field(() => Int, { description: 'Row number as the spreadsheet shows it.' })
  rowNumber: number;

  @Field(() => IngestRowOutcome, { description: 'Skipped or rejected.' })
  outcome: IngestRowOutcome;

  @Field({ description: 'Reason code, e.g. ID_SCIENTIFIC_NOTATION, TOTAL_ROW, FOOTER.' })
  reason: string;

  @Field({ description: 'What was wrong, in words (never the full ID number).' })
  message: string;

  @Field(() => GraphQLJSONObject, {
    description:
      'The cells by column name as received; ID numbers and phones masked unless issues was asked with a purpose.',
  })
  cells: Record<string, unknown>;
}

/** An ingest run. */
@ObjectType({
  description: 'An ingest run (导入批次): one department file read into the ledger, with its counts.',
})
export class IngestRun {
  @Field(() => ID, { description: 'Run number.' })
  id: string;

  @Field({ description: 'File name as uploaded.' })
  fileName: string;

  @Field({ description: 'Department profile used (fixtures/profiles), or default.' })
  profile: string;

  @Field({ description: 'Department the rows are recorded for (its precedence decides conflicts).' })
  department: string;

  @Field(() => IngestRunStatus, { description: 'Where the run stands.' })
  status: IngestRunStatus;

  @Field(() => String, {
    nullable: true,
    description: 'Why the run failed, e.g. FILE_ENCRYPTED, HEADER_NOT_FOUND.',
  })
  errorReason: string | null;

  @Field(() => String, { nullable: true, description: 'What was wrong with the file, in words.' })
  errorMessage: string | null;

  @Field(() => String, { nullable: true, description: 'CSV or XLSX, once read.' })
  format: string | null;

  @Field(() => GraphQLJSON, {
    description: 'Per sheet: title rows, header rows, column names and how each column was mapped.',
  })
  layout: unknown;

  @Field(() => Int, {
    description:
      'Rows below the header (blank rows are not counted): landed + skipped + rejected once finished.',
  })
  rowsTotal: number;

  @Field(() => Int, { description: 'Rows processed and committed so far.' })
  processed: number;

  @Field(() => Int, { description: 'Rows landed in the ledger (including unchanged ones).' })
  landed: number;

  @Field(() => Int, {
    description: 'Landed rows that were already in the ledger from an earlier run and changed nothing.',
  })
  unchanged: number;

  @Field(() => Int, { description: 'Rows skipped (totals, footers, repeated headers).' })
  skipped: number;

  @Field(() => Int, { description: 'Rows rejected.' })
  rejected: number;

  @Field(() => Int, { description: 'New persons created.' })
  personsCreated: number;

  @Field(() => Int, { description: 'Rows merged into persons already in the ledger.' })
  personsMatched: number;

  @Field(() => Int, { description: 'Values that disagreed with another source (kept as conflicts).' })
  conflicts: number;

  @Field(() => Int, { description: 'Items this run added to the review queue.' })
  reviewItems: number;

  @Field({
    description:
      'Download of the skipped and rejected rows as XLSX (original columns + reason), with the same credentials as the API; ID numbers and phones masked unless ?purpose=… is added by a viewer holding pii:unmask (audited).',
  })
  rejectsUrl: string;

  @Field({ description: 'When the run was created.' })
  createdAt: Date;

  @Field(() => Date, {
    nullable: true,
    description:
      'When a worker started the run (with processed and rowsTotal, a client can tell the time left).',
  })
  startedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the run finished (or failed).' })
  finishedAt: Date | null;
}

/** Progress of a run. */
@ObjectType({ description: 'Progress of an ingest run, sent after each committed batch.' })
export class IngestProgressEvent {
  @Field(() => ID, { description: 'Run number.' })
  runId: string;

  @Field(() => Int, { description: 'Rows processed and committed.' })
  processed: number;

  @Field(() => Int, { description: 'Rows in the file.' })
  total: number;

  @Field(() => Int, { description: 'Rows landed so far.' })
  landed: number;

  @Field(() => Int, { description: 'Rows skipped so far.' })
  skipped: number;

  @Field(() => Int, { description: 'Rows rejected so far.' })
  rejected: number;

  @Field(() => IngestRunStatus, { description: 'Where the run stands.' })
  status: IngestRunStatus;
}

/** Something staff must look at. */
@ObjectType({
  description:
    'An item of the review queue (待核实): a doubtful match, or two sources disagreeing about a person.',
})
export class ReviewQueueItem {
  @Field(() => ID, { description: 'Item key: kind and number.' })
  id: string;

  @Field({
    description:
      'LOW_SCORE_MATCH, AMBIGUOUS_MATCH, ROW_CONTRADICTS_ID (a row whose birth date or gender disagrees with its ID number) or CONFLICT.',
  })
  kind: string;

  @Field(() => ID, { description: 'Global id of the person concerned.' })
  person: string;

  @Field(() => ID, {
    nullable: true,
    description: 'Global id of the person it may be the same as (matches only).',
  })
  candidate: string | null;

  @Field(() => String, { nullable: true, description: 'Field the sources disagree about (conflicts only).' })
  field: string | null;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      'The value the ledger shows (conflicts only; masked unless reviewQueue was asked with a purpose).',
  })
  chosenValue: unknown;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      "The other source's value (conflicts only; masked unless reviewQueue was asked with a purpose).",
  })
  otherValue: unknown;

  @Field(() => Int, { nullable: true, description: 'Match score 0..100 (matches only; 80 joins a person).' })
  score: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Why the item is in the queue, in words: which fields agreed (matches), what disagreed (rows).',
  })
  explanation: string | null;

  @Field({ description: 'When the item arose.' })
  createdAt: Date;

  /** Resolved by `source` and `chosenSource` (ReviewQueueItemResolver). */
  sourceId: number | null;
  chosenSourceId: number | null;
}
