import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { PURPOSE_DESCRIPTION, revealText } from '../../auth/reveal';
import type { CaseTransitionRow } from '../../cases/case.types';
import type { Context } from '../../graphql/context';
import { toGlobalId } from '../../graphql/global-id';
import { CaseTransition } from './case-transition.type';

/** The free text of a workflow step, masked like any personal value. */
@Resolver(() => CaseTransition)
export class CaseTransitionResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description:
      'Note (办理意见), reason or rating comment; ID numbers and phone numbers typed into it are masked.',
  })
  note(
    @Root() t: CaseTransitionRow,
    @Ctx() ctx: Context,
    @Arg('purpose', () => String, { nullable: true, description: PURPOSE_DESCRIPTION }) purpose?: string,
  ): string | null | Promise<string | null> {
    return revealText(ctx, t.note, toGlobalId('Case', t.caseId), 'CaseTransition.note', purpose);
  }
}
