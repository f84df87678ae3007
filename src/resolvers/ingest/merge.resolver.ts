import { Arg, Authorized, Ctx, Field, ID, InputType, Mutation, ObjectType, Resolver } from 'type-graphql';
import { PERMISSIONS } from '../../auth/roles';
import type { Context } from '../../graphql/context';
import { idOf, toGlobalId } from '../../graphql/global-id';

/** Which two person records are one person. */
@InputType({ description: 'Two person records found to be the same person (合并).' })
export class MergePersonsInput {
  @Field(() => ID, { description: 'Global id of the person that stays.' })
  survivorId: string;

  @Field(() => ID, {
    description: 'Global id of the person merged into it (kept as MERGED, answering "merged into").',
  })
  mergedId: string;
}

/** The result of a merge or unmerge. */
@ObjectType({ description: 'A merge of two person records, or its undoing.' })
export class MergePersonsPayload {
  @Field(() => ID, { description: 'Merge number; pass it to unmergePersons to undo the merge.' })
  mergeId: string;

  @Field(() => ID, { description: 'Global id of the person that stayed.' })
  survivorId: string;

  @Field(() => ID, { description: 'Global id of the merged person.' })
  mergedId: string;
}

/** Merge and unmerge of person records, through the ledger. */
@Resolver()
export class MergeResolver {
  @Authorized(PERMISSIONS.RECORD_WRITE)
  @Mutation(() => MergePersonsPayload, {
    description:
      "Merges two person records into one; values, their sources, facts and households move to the survivor. Records with different ID numbers are refused; both must be in the viewer's scope.",
  })
  async mergePersons(
    @Arg('input', () => MergePersonsInput, { description: 'The two records.' }) input: MergePersonsInput,
    @Ctx() ctx: Context,
  ): Promise<MergePersonsPayload> {
    const r = await ctx.services.merges.merge(
      idOf(input.survivorId, 'Person', 'input.survivorId'),
      idOf(input.mergedId, 'Person', 'input.mergedId'),
      ctx.actor,
    );
    return {
      mergeId: String(r.mergeId),
      survivorId: toGlobalId('Person', r.survivorId),
      mergedId: toGlobalId('Person', r.mergedId),
    };
  }

  @Authorized(PERMISSIONS.RECORD_WRITE)
  @Mutation(() => MergePersonsPayload, {
    description: 'Undoes a merge: both records are restored with their own values and sources.',
  })
  async unmergePersons(
    @Arg('mergeId', () => ID, { description: 'Merge number from mergePersons.' }) mergeId: string,
    @Ctx() ctx: Context,
  ): Promise<MergePersonsPayload> {
    const r = await ctx.services.merges.unmerge(Number(mergeId), ctx.actor);
    return {
      mergeId: String(r.mergeId),
      survivorId: toGlobalId('Person', r.survivorId),
      mergedId: toGlobalId('Person', r.mergedId),
    };
  }
}
