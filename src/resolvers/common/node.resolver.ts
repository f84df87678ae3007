import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { fromGlobalId } from '../../graphql/global-id';
import { Node } from './node.type';

/** Relay's node(id:) entry point: fetches any object by its global id. */
@Resolver()
export class NodeResolver {
  @Query(() => Node, {
    nullable: true,
    description: 'Any object by its global id (Relay); null when it does not exist.',
  })
  async node(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { description: 'Global id.' }) id: string,
  ): Promise<object | null> {
    const { type, key } = fromGlobalId(id);
    const n = Number(key);
    let found: object | null | undefined;
    switch (type) {
      case 'Person':
        found = await ctx.loaders.personById.load({ id: n, asOf: null });
        break;
      case 'Household':
        found = await ctx.loaders.householdById.load({ id: n, asOf: null });
        break;
      case 'House':
        found = await ctx.loaders.houseById.load({ id: n, asOf: null });
        break;
      case 'Thing':
        found = await ctx.loaders.thingById.load(n);
        break;
      case 'Case':
        found = (await ctx.services.cases.byIds([n], ctx.viewer.readScope))[0];
        break;
      case 'Fact':
        found = (await ctx.services.facts.byIds([n], ctx.viewer.readScope))[0];
        break;
      case 'Area':
        found = await ctx.loaders.areaByCode.load(key);
        break;
    }
    return found ? { ...found, __typename: type } : null;
  }
}
