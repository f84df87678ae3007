import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { idOf } from '../../graphql/global-id';
import { AppError } from '../../errors/app-error';
import { encodeCursor, pageWindow } from '../../registry/pagination';
import { toConnection } from '../common/connection.type';
import { AreaLevel } from '../common/enums';
import { PersonConnection } from '../person/person.type';
import {
  Cohort,
  CohortAreaCount,
  CohortEvent,
  OutreachBatch,
  OutreachCampaign,
  OutreachChannel,
} from './cohort.type';

async function campaignOf(ctx: Context, id: string): Promise<OutreachCampaign> {
  const o = ctx.services.reports.outreach;
  const c = await o.campaign(id);
  const n = await o.statusCounts(id);
  return {
    ...c,
    channel: c.channel as OutreachChannel,
    pending: n.PENDING ?? 0,
    sent: n.SENT ?? 0,
    delivered: n.DELIVERED ?? 0,
    failed: n.FAILED ?? 0,
  };
}

/** Standing cohorts and outreach to them. */
@Resolver()
export class CohortResolver {
  @Query(() => [Cohort], { description: 'Every standing cohort.' })
  cohorts(@Ctx() ctx: Context): Cohort[] {
    return ctx.services.reports.cohorts.list().map((c) => ({ ...c }));
  }

  @Query(() => [CohortAreaCount], {
    description: 'Members of a cohort per area at a level under an area, as of an instant.',
  })
  cohortCounts(
    @Ctx() ctx: Context,
    @Arg('cohort', () => String, { description: 'Cohort id.' }) cohort: string,
    @Arg('areaCode', () => String, { description: 'Root area.' }) areaCode: string,
    @Arg('level', () => AreaLevel, { description: 'Level of the areas counted (e.g. COMMUNITY, GRID).' })
    level: AreaLevel,
    @Arg('at', () => Date, { nullable: true, description: 'Instant (default now).' }) at?: Date,
  ) {
    return ctx.services.reports.cohorts.counts(
      cohort,
      at ?? new Date(),
      areaCode,
      level,
      ctx.viewer.readScope,
    );
  }

  @Query(() => PersonConnection, {
    description: 'Members of a cohort in an area (and below it), as of an instant.',
  })
  async cohortMembers(
    @Ctx() ctx: Context,
    @Arg('cohort', () => String, { description: 'Cohort id.' }) cohort: string,
    @Arg('areaCode', () => String, { description: 'Area.' }) areaCode: string,
    @Arg('at', () => Date, { nullable: true, description: 'Instant (default now).' }) at?: Date,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 50, at most 200).' })
    first?: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after.' }) after?: string,
  ) {
    const { limit, afterId } = pageWindow({ first, after });
    const when = at ?? new Date();
    const page = await ctx.services.reports.cohorts.members(
      cohort,
      when,
      areaCode,
      { afterId, limit },
      ctx.viewer.readScope,
    );
    const nodes = (
      await Promise.all(page.ids.map((id) => ctx.loaders.personById.load({ id, asOf: at ?? null })))
    ).filter((p): p is NonNullable<typeof p> => p !== null);
    return toConnection({
      nodes,
      hasNextPage: page.hasNextPage,
      hasPreviousPage: afterId > 0,
      cursorOf: (n) => encodeCursor(n.id),
      totalCount: async () =>
        (
          await ctx.services.reports.cohorts.counts(
            cohort,
            when,
            areaCode,
            (await ctx.services.areas.get(areaCode)).level,
            ctx.viewer.readScope,
          )
        )[0]?.count ?? 0,
    });
  }

  @Query(() => [CohortEvent], { description: 'Entries into and exits from a cohort, oldest first.' })
  async cohortEvents(
    @Ctx() ctx: Context,
    @Arg('cohort', () => String, { description: 'Cohort id.' }) cohort: string,
    @Arg('afterId', () => Int, { nullable: true, description: 'Only events after this id.' })
    afterId?: number,
    @Arg('first', () => Int, { nullable: true, description: 'How many (default 100, at most 500).' })
    first?: number,
  ) {
    const limit = first ?? 100;
    if (limit < 0 || limit > 500)
      throw new AppError('PAGE_SIZE_EXCEEDED', 'first must be between 0 and 500', 'first');
    const events = await ctx.services.reports.cohorts.events(
      cohort,
      ctx.viewer.readScope,
      afterId ?? 0,
      limit,
    );
    return Promise.all(
      events.map(async (e) => ({
        id: String(e.id),
        kind: e.kind,
        areaCode: e.areaCode,
        occurredAt: e.occurredAt,
        person: await ctx.loaders.personById.load({ id: e.personId, asOf: null }),
      })),
    );
  }

  @Query(() => OutreachCampaign, { description: 'An outreach campaign with its delivery status counts.' })
  outreachCampaign(
    @Ctx() ctx: Context,
    @Arg('id', () => String, { description: 'Campaign id.' }) id: string,
  ) {
    return campaignOf(ctx, id);
  }

  @Mutation(() => OutreachCampaign, {
    description: 'Creates an outreach campaign for a cohort (idempotent by id).',
  })
  async createOutreachCampaign(
    @Ctx() ctx: Context,
    @Arg('id', () => String, { description: 'Campaign id: 3-64 lowercase letters, digits or dashes.' })
    id: string,
    @Arg('cohort', () => String, { description: 'Cohort id.' }) cohort: string,
    @Arg('channel', () => OutreachChannel, { description: 'Channel.' }) channel: OutreachChannel,
    @Arg('template', () => String, {
      nullable: true,
      description: "Notice ({name} = the person); default: the cohort's.",
    })
    template?: string,
  ) {
    await ctx.services.reports.outreach.createCampaign(
      { id, cohortId: cohort, channel, template: template ?? '' },
      ctx.actor.name,
    );
    return campaignOf(ctx, id);
  }

  @Mutation(() => OutreachBatch, {
    description:
      "Queues a notice for every member of the campaign's cohort in an area (once per person and campaign).",
  })
  createOutreachBatch(
    @Ctx() ctx: Context,
    @Arg('campaign', () => String, { description: 'Campaign id.' }) campaign: string,
    @Arg('areaCode', () => String, { description: 'Area whose members are notified.' }) areaCode: string,
  ) {
    return ctx.services.reports.outreach.createBatch(campaign, new Date(), areaCode);
  }

  @Mutation(() => Boolean, {
    description: "Queues the sending of a campaign's pending notices (a background job).",
  })
  async sendOutreach(
    @Ctx() ctx: Context,
    @Arg('campaign', () => String, { description: 'Campaign id.' }) campaign: string,
  ) {
    await ctx.services.reports.outreach.campaign(campaign);
    await ctx.services.reports.queue.add('send-outreach', { campaignId: campaign });
    return true;
  }

  @Mutation(() => Boolean, { description: 'Records that a person does not want notices through a channel.' })
  async optOutOfOutreach(
    @Ctx() ctx: Context,
    @Arg('personId', () => String, { description: 'Global id of the person.' }) personId: string,
    @Arg('channel', () => OutreachChannel, { description: 'Channel.' }) channel: OutreachChannel,
    @Arg('reason', () => String, { nullable: true, description: 'Why, if said.' }) reason?: string,
  ) {
    const id = idOf(personId, 'Person', 'personId');
    const person = await ctx.loaders.personById.load({ id, asOf: null });
    if (!person)
      throw new AppError('PERSON_NOT_FOUND', `no person has id ${personId.slice(0, 40)}`, 'personId');
    await ctx.services.reports.outreach.optOut(person.districtCode, id, channel, reason ?? null);
    return true;
  }
}
