import {
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { mayUnmask, PURPOSE_DESCRIPTION } from '../../auth/reveal';
import { areaInScope } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { maskCell } from '../../ingest/mask-cell';
import type { Context } from '../../graphql/context';
import { toGlobalId } from '../../graphql/global-id';
import { TOPIC } from '../../graphql/pubsub';
import type { IngestProgress, IngestRunRow, ReviewFilter } from '../../ingest/run/ingest.service';
import { fieldName, maskValue } from '../common/fields';
import {
  IngestProgressEvent,
  IngestRowIssue,
  IngestRowOutcome,
  IngestRun,
  IngestRunStatus,
  ReviewQueueItem,
} from './ingest.type';

/** What the review queue may be narrowed to (reviewQueue, reviewQueueCount). */
@ArgsType()
class ReviewFilterArgs {
  @Field(() => ID, {
    nullable: true,
    description:
      'Only what this ingest run raised: its doubtful matches and rows, conflicts it brought a value to.',
  })
  runId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Only items about persons in this area (inside the viewer's scope).",
  })
  areaCode?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Only one kind: LOW_SCORE_MATCH, AMBIGUOUS_MATCH, ROW_CONTRADICTS_ID or CONFLICT.',
  })
  kind?: string | null;
}

function reviewFilterOf(a: ReviewFilterArgs): ReviewFilter {
  const runId = a.runId == null ? undefined : Number(a.runId);
  if (runId !== undefined && !Number.isSafeInteger(runId))
    throw new AppError('VALUE_INVALID', 'runId is not an ingest run number', 'runId');
  return { runId, areaCode: a.areaCode ?? undefined, kind: a.kind ?? undefined };
}

function toRun(r: IngestRunRow): IngestRun {
  return {
    id: String(r.id),
    fileName: r.file_name,
    profile: r.profile,
    department: r.department_code,
    status: r.status as IngestRunStatus,
    errorReason: r.error_reason,
    errorMessage: r.error_message,
    format: r.format,
    layout: r.layout,
    rowsTotal: r.rows_total,
    processed: r.checkpoint,
    landed: r.landed,
    unchanged: r.unchanged,
    skipped: r.skipped,
    rejected: r.rejected,
    personsCreated: r.persons_created,
    personsMatched: r.persons_matched,
    conflicts: r.conflicts,
    reviewItems: r.review_items,
    rejectsUrl: `/ingest/runs/${r.id}/rejects.xlsx`,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

/** Ingest runs, their problem rows, the review queue and live progress. Uploads go to POST /ingest/upload. */
@Resolver(() => IngestRun)
export class IngestResolver {
  @Query(() => IngestRun, {
    nullable: true,
    description: 'An ingest run by number, with its counts and status.',
  })
  async ingestRun(
    @Arg('id', () => ID, { description: 'Run number.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<IngestRun | null> {
    const n = Number(id);
    if (!Number.isSafeInteger(n)) return null;
    const run = await ctx.services.ingest.get(n, ctx.viewer.readScope);
    return run ? toRun(run) : null;
  }

  @Query(() => [IngestRun], {
    description: "The latest ingest runs whose area is in the viewer's scope, newest first.",
  })
  async ingestRuns(
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many runs (at most 200).' }) first: number,
    @Ctx() ctx: Context,
  ): Promise<IngestRun[]> {
    return (await ctx.services.ingest.list(ctx.viewer.readScope, Math.min(Math.max(first, 1), 200))).map(
      toRun,
    );
  }

  @FieldResolver(() => [IngestRowIssue], {
    description: 'Skipped and rejected rows in file order (cells masked); page with after.',
  })
  async issues(
    @Root() run: IngestRun,
    @Arg('outcome', () => IngestRowOutcome, {
      nullable: true,
      description: 'Only skipped or only rejected rows.',
    })
    outcome: IngestRowOutcome | null,
    @Arg('first', () => Int, { defaultValue: 100, description: 'How many rows (at most 1000).' })
    first: number,
    @Arg('after', () => Int, {
      defaultValue: 0,
      description: 'The seq of the last row of the previous page.',
    })
    after: number,
    @Ctx() ctx: Context,
    @Arg('purpose', () => String, { nullable: true, description: PURPOSE_DESCRIPTION }) purpose?: string,
  ): Promise<IngestRowIssue[]> {
    const unmask = await mayUnmask(ctx, `IngestRun:${run.id}`, 'IngestRun.issues', purpose);
    const rows = await ctx.services.ingest.issues(
      Number(run.id),
      outcome ?? null,
      after,
      Math.min(Math.max(first, 1), 1000),
    );
    return rows.map((r) => ({
      seq: r.seq,
      sheet: r.sheet,
      rowNumber: r.row_number,
      outcome: r.outcome as IngestRowOutcome,
      reason: r.reason,
      message: r.message,
      cells: Object.fromEntries(Object.entries(r.raw).map(([k, v]) => [k, unmask ? v : maskCell(v)])),
    }));
  }

  @Query(() => [ReviewQueueItem], {
    description:
      "The review queue (待核实): doubtful matches and open conflicts on persons in the viewer's scope, oldest first.",
  })
  async reviewQueue(
    @Arg('first', () => Int, { defaultValue: 50, description: 'How many items (at most 500).' })
    first: number,
    @Ctx() ctx: Context,
    @Args(() => ReviewFilterArgs) filter: ReviewFilterArgs,
    @Arg('purpose', () => String, { nullable: true, description: PURPOSE_DESCRIPTION }) purpose?: string,
  ): Promise<ReviewQueueItem[]> {
    const rows = await ctx.services.ingest.reviewQueue(
      ctx.viewer.readScope,
      Math.min(Math.max(first, 1), 500),
      null,
      reviewFilterOf(filter),
    );
    const unmask =
      rows.some((r) => r.field) && (await mayUnmask(ctx, 'reviewQueue', 'ReviewQueueItem.value', purpose));
    const shown = (column: string, v: unknown) => (unmask ? v : maskValue(column, v));
    return rows.map((r) => ({
      id: `${r.kind}:${r.id}`,
      kind: r.kind,
      person: toGlobalId('Person', r.person_id),
      candidate: r.candidate_id ? toGlobalId('Person', r.candidate_id) : null,
      field: r.field ? fieldName(r.field) : null,
      chosenValue: r.field ? shown(r.field, r.chosen_value) : null,
      otherValue: r.field ? shown(r.field, r.other_value) : null,
      score: r.score,
      explanation: r.explanation,
      createdAt: r.created_at,
      sourceId: r.source_id,
      chosenSourceId: r.chosen_source_id,
    }));
  }

  @Query(() => Int, {
    description:
      "How many items the review queue (待核实) holds in the viewer's scope, narrowed as reviewQueue is: a badge, a dashboard's figure.",
  })
  async reviewQueueCount(
    @Ctx() ctx: Context,
    @Args(() => ReviewFilterArgs) filter: ReviewFilterArgs,
  ): Promise<number> {
    return ctx.services.ingest.reviewQueueCount(ctx.viewer.readScope, null, reviewFilterOf(filter));
  }

  @Subscription(() => IngestProgressEvent, {
    topics: TOPIC.INGEST_PROGRESS,
    // a run outside the viewer's scope is absent, for subscribers too
    filter: ({
      payload,
      args,
      context,
    }: {
      payload: IngestProgress;
      args: { runId: string };
      context: Context;
    }) =>
      String(payload.runId) === args.runId &&
      areaInScope(context.services.areas, context.viewer.readScope, payload.areaCode),
    description: 'Progress of one ingest run, after each committed batch and when it ends.',
  })
  ingestProgress(
    @Root() p: IngestProgress,
    @Arg('runId', () => ID, { description: 'Run number.' }) _runId: string,
  ): IngestProgressEvent {
    return {
      runId: String(p.runId),
      processed: p.processed,
      total: p.total,
      landed: p.landed,
      skipped: p.skipped,
      rejected: p.rejected,
      status: p.status as IngestRunStatus,
    };
  }
}
