import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { areaVisible } from '../../auth/scope';
import { toGlobalId } from '../../graphql/global-id';
import { GeoJSONScalar } from '../../graphql/scalars';
import type { AreaNode } from '../../geo/area.service';
import { AreaLevel } from '../common/enums';
import { AppError } from '../../errors/app-error';
import { Area } from './area.type';

/** The territory tree. */
@Resolver(() => Area)
export class AreaResolver {
  @Query(() => Area, { nullable: true, description: 'One area by its code.' })
  area(@Ctx() ctx: Context, @Arg('code', { description: 'Area code.' }) code: string) {
    return ctx.loaders.areaByCode.load(code);
  }

  @Query(() => [Area], {
    description: 'Areas, optionally of one level and/or under a root area; the roots when nothing is given.',
  })
  async areas(
    @Ctx() ctx: Context,
    @Arg('level', () => AreaLevel, { nullable: true, description: 'Only this level.' }) level?: AreaLevel,
    @Arg('under', () => String, {
      nullable: true,
      description: "Only areas in this area's subtree (itself included).",
    })
    under?: string,
  ): Promise<AreaNode[]> {
    const visible = (a: AreaNode) => areaVisible(ctx.services.areas, ctx.viewer.scope, a.code);
    if (!level && !under) return (await ctx.services.areas.childrenOf(null)).filter(visible);
    if (under) {
      const root = await ctx.services.areas.get(under, 'under');
      if (!visible(root)) throw new AppError('AREA_UNKNOWN', `no area has code ${under}`, 'under');
    }
    return (await ctx.services.areas.list(level ?? null, under ?? null)).filter(visible);
  }

  @FieldResolver(() => ID, { description: 'Global id (Relay), opaque.' })
  id(@Root() a: AreaNode): string {
    return toGlobalId('Area', a.code);
  }

  @FieldResolver(() => Area, { nullable: true, description: 'The area above.' })
  parent(@Root() a: AreaNode, @Ctx() ctx: Context) {
    return a.parentCode ? ctx.loaders.areaByCode.load(a.parentCode) : null;
  }

  @FieldResolver(() => [Area], { description: 'The areas directly below (the next level of the tree).' })
  async children(@Root() a: AreaNode, @Ctx() ctx: Context) {
    const all = await ctx.services.areas.childrenOf(a.code);
    return all.filter((c) => areaVisible(ctx.services.areas, ctx.viewer.scope, c.code));
  }

  @FieldResolver(() => [Area], { description: 'The chain from the top of the tree down to this area.' })
  ancestors(@Root() a: AreaNode, @Ctx() ctx: Context) {
    return ctx.services.areas.ancestors(a.code);
  }

  @FieldResolver(() => GeoJSONScalar, { nullable: true, description: 'Boundary as a GeoJSON MultiPolygon.' })
  boundary(@Root() a: AreaNode, @Ctx() ctx: Context) {
    return ctx.loaders.boundaryByAreaCode.load(a.code);
  }
}
