import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { AreaStatistics } from './area-statistics.type';

/** Aggregate figures per area for dashboards and map shading. */
@Resolver(() => AreaStatistics)
export class AreaStatisticsResolver {
  @Query(() => AreaStatistics, {
    description:
      'Population and case figures of an area and of each of its direct children in one cheap request (the command-center dashboard and the map shading); only records in the viewer’s scope are counted.',
  })
  areaStatistics(
    @Ctx() ctx: Context,
    @Arg('areaCode', { description: 'Code of the area, e.g. 610902 for 汉滨区.' }) areaCode: string,
  ) {
    return ctx.services.statistics.ofArea(areaCode, ctx.viewer.scope, ctx.viewer.readScope);
  }
}
