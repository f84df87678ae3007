import {
  Authorized,
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { Context } from '../../graphql/context';
import { PERMISSIONS } from '../../auth/roles';
import { AppError } from '../../errors/app-error';
import { idOf, toGlobalId } from '../../graphql/global-id';
import { GeoJSONScalar } from '../../graphql/scalars';
import { point } from '../../geo/geojson';
import type { ThingRow } from '../../registry/registry.types';
import { Area } from '../area/area.type';
import { Connection, toConnection } from '../common/connection.type';
import { ThingStatus } from '../common/enums';
import { fieldSources, toChanges } from '../common/fields';
import { FieldSource, LedgerChange } from '../common/provenance.type';
import { Node } from '../common/node.type';

/** A thing (物). */
@ObjectType({
  implements: Node,
  description: 'A public component or hazard with a location (物): camera, hydrant, manhole cover, slope...',
})
export class Thing extends Node {
  @Field(() => String, { nullable: true, description: 'Component code (部件编码).' })
  code: string | null;

  @Field({ description: 'Category code, e.g. CAMERA, HYDRANT, MANHOLE_COVER, ELEVATOR, DANGEROUS_SLOPE.' })
  category: string;

  @Field({ description: 'Name or description.' })
  name: string;

  @Field(() => ThingStatus, { description: 'Condition.' })
  status: ThingStatus;

  @Field(() => String, { nullable: true, description: 'Department responsible for it.' })
  departmentCode: string | null;

  @Field(() => Int, { description: 'Version, increased by every change.' })
  version: number;
}

@ObjectType({ description: 'A page of things.' })
export class ThingConnection extends Connection(Thing, 'Thing', 'thing') {}

@InputType({ description: 'Filters for things.' })
class ThingFilter {
  @Field(() => String, { nullable: true, description: 'Area code: things in this area or below it.' })
  areaCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Only this category.' })
  category?: string | null;
}

@InputType({ description: 'A thing to register or correct; omitted fields stay as they are.' })
class ThingInput {
  @Field(() => String, { nullable: true, description: 'Component code.' })
  code?: string | null;

  @Field(() => String, { nullable: true, description: 'Category code (required when registering).' })
  category?: string;

  @Field(() => String, { nullable: true, description: 'Name (required when registering).' })
  name?: string;

  @Field(() => ThingStatus, { nullable: true, description: 'Condition.' })
  status?: ThingStatus;

  @Field(() => String, { nullable: true, description: 'Responsible department code.' })
  departmentCode?: string | null;

  @Field(() => GeoJSONScalar, {
    nullable: true,
    description: 'Location as a GeoJSON Point (required when registering).',
  })
  location?: unknown;

  @Field(() => Int, { nullable: true, description: 'For updates: the version you edited.' })
  expectedVersion?: number;
}

@ObjectType({ description: 'Result of createThing and updateThing.' })
class ThingPayload {
  @Field(() => Thing, { description: 'The thing as recorded.' })
  thing: ThingRow;
}

/** Things. */
@Resolver(() => Thing)
export class ThingResolver {
  @Query(() => ThingConnection, { description: 'Things by category and area.' })
  async things(
    @Ctx() ctx: Context,
    @Arg('filter', () => ThingFilter, { nullable: true, description: 'Filters; all given must hold.' })
    filter?: ThingFilter,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 50, at most 200).' })
    first?: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after.' }) after?: string,
  ) {
    return toConnection(await ctx.services.things.list(filter ?? {}, { first, after }, ctx.viewer.readScope));
  }

  @Authorized(PERMISSIONS.RECORD_WRITE)
  @Mutation(() => ThingPayload, { description: 'Register a thing at a location.' })
  async createThing(
    @Ctx() ctx: Context,
    @Arg('input', () => ThingInput, { description: 'What to record.' }) input: ThingInput,
  ) {
    const { expectedVersion: _v, ...f } = input;
    if (!f.category || !f.name || f.location == null) {
      const missing = !f.category ? 'category' : !f.name ? 'name' : 'location';
      throw new AppError(
        'VALUE_INVALID',
        `input.${missing} is required to register a thing`,
        `input.${missing}`,
      );
    }
    return {
      thing: await ctx.services.things.create(
        { ...f, category: f.category, name: f.name, location: f.location },
        ctx.actor,
      ),
    };
  }

  @Authorized(PERMISSIONS.RECORD_WRITE)
  @Mutation(() => ThingPayload, {
    description: 'Update a thing (condition after inspection, corrected location...).',
  })
  async updateThing(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { description: 'Global id of the thing.' }) id: string,
    @Arg('input', () => ThingInput, { description: 'What to record.' }) input: ThingInput,
  ) {
    const { expectedVersion, ...f } = input;
    return { thing: await ctx.services.things.update(idOf(id, 'Thing'), f, ctx.actor, expectedVersion) };
  }

  @FieldResolver(() => ID, { description: 'Global id (Relay), opaque.' })
  id(@Root() t: ThingRow): string {
    return toGlobalId('Thing', t.id);
  }

  @FieldResolver(() => GeoJSONScalar, { description: 'Location as a GeoJSON Point.' })
  location(@Root() t: ThingRow) {
    return point(t.lon, t.lat);
  }

  @FieldResolver(() => Area, { description: 'The grid that contains it.' })
  area(@Root() t: ThingRow, @Ctx() ctx: Context) {
    return ctx.loaders.areaByCode.load(t.areaCode);
  }

  @FieldResolver(() => [FieldSource], { description: 'For each field, the source record that supplied it.' })
  sources(@Root() t: ThingRow, @Ctx() ctx: Context) {
    return fieldSources(t.provenance, ctx.loaders);
  }

  @FieldResolver(() => [LedgerChange], { description: 'Every change of this thing, oldest first.' })
  async history(@Root() t: ThingRow, @Ctx() ctx: Context) {
    return toChanges(await ctx.services.history.changesOf('THING', t.id));
  }
}
