import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Mutation,
  ObjectType,
  Resolver,
  Root,
} from 'type-graphql';
import { PERMISSIONS } from '../../auth/roles';
import type { Context } from '../../graphql/context';
import { toGlobalId } from '../../graphql/global-id';
import { NOTE_MAX_LENGTH } from '../../ingest/review/review.service';
import { ReviewDecision } from '../common/enums';
import { SourceRecord } from '../common/provenance.type';
import { ReviewQueueItem } from './ingest.type';

/** How a review item was answered. */
@ObjectType({ description: 'A review queue item (待核实) answered by a reviewer.' })
export class ReviewResolution {
  @Field(() => ID, { description: 'Item key, as reviewQueue gave it.' })
  id: string;

  @Field({ description: 'LOW_SCORE_MATCH, AMBIGUOUS_MATCH, ROW_CONTRADICTS_ID or CONFLICT.' })
  kind: string;

  @Field(() => ID, { description: 'Global id of the person concerned.' })
  person: string;

  @Field(() => ReviewDecision, { description: 'How it was answered.' })
  decision: ReviewDecision;

  @Field(() => String, { nullable: true, description: "The reviewer's note." })
  note: string | null;

  @Field({ description: 'Who answered it.' })
  resolvedBy: string;

  @Field({ description: 'When it was answered.' })
  resolvedAt: Date;

  @Field(() => ID, { nullable: true, description: 'MERGE: the merge number (unmergePersons undoes it).' })
  mergeId: string | null;
}

/** Working off the review queue. */
@Resolver()
export class ReviewResolver {
  @Authorized(PERMISSIONS.RECORD_WRITE)
  @Mutation(() => ReviewResolution, {
    description:
      "Answers an item of the review queue (待核实), once: KEEP, TAKE_OTHER (conflicts) or MERGE (doubtful matches). The item's person must be in the viewer's scope; the decision, note, who and when are kept with the item.",
  })
  async resolveReviewItem(
    @Arg('id', () => ID, { description: 'Item key from reviewQueue (e.g. CONFLICT:12).' }) id: string,
    @Arg('decision', () => ReviewDecision, {
      description: 'KEEP, TAKE_OTHER (conflicts) or MERGE (matches).',
    })
    decision: ReviewDecision,
    @Ctx() ctx: Context,
    @Arg('note', () => String, {
      nullable: true,
      description: `Why (at most ${NOTE_MAX_LENGTH} characters), e.g. 入户核实：电话已更换.`,
    })
    note?: string | null,
  ): Promise<ReviewResolution> {
    const r = await ctx.services.reviews.resolve(id, decision, note, ctx.actor);
    return {
      id: r.item,
      kind: r.kind,
      person: toGlobalId('Person', r.personId),
      decision: r.decision as ReviewDecision,
      note: r.note,
      resolvedBy: r.resolvedBy,
      resolvedAt: r.resolvedAt,
      mergeId: r.mergeId === null ? null : String(r.mergeId),
    };
  }
}

/** Where the two sides of a review item came from: what a reviewer weighs before answering. */
@Resolver(() => ReviewQueueItem)
export class ReviewQueueItemResolver {
  @FieldResolver(() => SourceRecord, {
    nullable: true,
    description:
      "The received row or edit that raised the item: the other value's source (conflicts), the row itself (matches and rows).",
  })
  async source(@Root() item: ReviewQueueItem, @Ctx() ctx: Context): Promise<SourceRecord | null> {
    return item.sourceId === null
      ? null
      : ((await ctx.loaders.sourceById.load(item.sourceId)) as SourceRecord | null);
  }

  @FieldResolver(() => SourceRecord, {
    nullable: true,
    description: 'Where the value the ledger shows came from (conflicts only).',
  })
  async chosenSource(@Root() item: ReviewQueueItem, @Ctx() ctx: Context): Promise<SourceRecord | null> {
    return item.chosenSourceId === null
      ? null
      : ((await ctx.loaders.sourceById.load(item.chosenSourceId)) as SourceRecord | null);
  }
}
