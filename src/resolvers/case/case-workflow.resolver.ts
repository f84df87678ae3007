import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { idOf } from '../../graphql/global-id';
import { Case } from './case.resolver';
import { CaseKpis } from './case-transition.type';
import { RateCaseInput, ReportCaseInput, TransitionCaseInput } from './case.input';

/** Reporting, the workflow, ratings and KPIs of cases; each call goes to the case service. */
@Resolver()
export class CaseWorkflowResolver {
  @Mutation(() => Case, {
    description:
      'Report a case (上报): routed to the smallest area containing its location and the unit that handles it.',
  })
  reportCase(
    @Arg('input', () => ReportCaseInput, { description: 'The report.' }) input: ReportCaseInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.cases.report(input, ctx.actor);
  }

  @Mutation(() => Case, {
    description: 'Take one workflow step on a case (立案, 派遣, 签收 … 结案, 延期, 挂账, 上报).',
  })
  transitionCase(
    @Arg('input', () => TransitionCaseInput, { description: 'The step.' }) input: TransitionCaseInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.cases.transition(
      { ...input, caseId: idOf(input.caseId, 'Case', 'input.caseId') },
      ctx.actor,
    );
  }

  @Mutation(() => Case, {
    description: 'The reporter rates a closed case; an unsatisfied rating may reopen it.',
  })
  rateCase(
    @Arg('input', () => RateCaseInput, { description: 'The rating.' }) input: RateCaseInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.cases.rate(
      { ...input, caseId: idOf(input.caseId, 'Case', 'input.caseId') },
      ctx.actor,
    );
  }

  @Query(() => CaseKpis, { description: 'Case assessment figures for an area subtree and a period.' })
  caseKpis(
    @Arg('areaCode', { description: 'Area code; its whole subtree is counted.' }) areaCode: string,
    @Arg('from', () => Date, { description: 'Start of the period (inclusive).' }) from: Date,
    @Arg('to', () => Date, { description: 'End of the period (exclusive).' }) to: Date,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.cases.kpis(areaCode, from, to, ctx.viewer.readScope);
  }
}
