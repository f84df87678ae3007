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
import { idOf, toGlobalId } from '../../graphql/global-id';
import { GeoJSONScalar } from '../../graphql/scalars';
import { parseArea, point } from '../../geo/geojson';
import type { HouseRow } from '../../registry/registry.types';
import { maskAddress, PURPOSE_DESCRIPTION, reveal } from '../../auth/reveal';
import { Area } from '../area/area.type';
import { toConnection } from '../common/connection.type';
import { HouseUse } from '../common/enums';
import { fieldSources, maskConflicts, toChanges } from '../common/fields';
import { Conflict, FieldSource, LedgerChange } from '../common/provenance.type';
import { House, HouseConnection } from './house.type';

@InputType({ description: 'Filters for houses.' })
class HouseFilter {
  @Field(() => String, { nullable: true, description: 'Area code: houses in this area or below it.' })
  areaCode?: string | null;

  @Field(() => GeoJSONScalar, {
    nullable: true,
    description: 'Only houses inside this GeoJSON Polygon or MultiPolygon.',
  })
  within?: unknown;
}

@InputType({ description: 'A house to enter or correct; omitted fields stay as they are.' })
class HouseInput {
  @Field(() => String, { nullable: true, description: 'House code (房屋编码).' })
  code?: string | null;

  @Field(() => String, { nullable: true, description: 'Road or street name.' })
  streetName?: string | null;

  @Field(() => String, { nullable: true, description: 'Street number.' })
  streetNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'Building (栋).' })
  building?: string | null;

  @Field(() => String, { nullable: true, description: 'Unit (单元).' })
  unit?: string | null;

  @Field(() => String, { nullable: true, description: 'Room (室).' })
  room?: string | null;

  @Field(() => String, { nullable: true, description: 'Full address; composed from the parts when omitted.' })
  address?: string | null;

  @Field(() => HouseUse, { nullable: true, description: 'Use of the house.' })
  use?: HouseUse;

  @Field(() => Int, { nullable: true, description: 'Number of floors.' })
  floors?: number | null;

  @Field(() => String, { nullable: true, description: 'Owner.' })
  ownerName?: string | null;

  @Field(() => GeoJSONScalar, {
    nullable: true,
    description: 'Location as a GeoJSON Point; required when creating. The containing grid is computed.',
  })
  location?: unknown;

  @Field(() => Int, { nullable: true, description: 'For updates: the version you edited.' })
  expectedVersion?: number;
}

@ObjectType({ description: 'Result of createHouse and updateHouse.' })
class HousePayload {
  @Field(() => House, { description: 'The house as recorded.' })
  house: HouseRow;
}

/** Houses. */
@Resolver(() => House)
export class HouseResolver {
  @Query(() => HouseConnection, { description: 'Houses by area or inside a polygon.' })
  async houses(
    @Ctx() ctx: Context,
    @Arg('filter', () => HouseFilter, { nullable: true, description: 'Filters; all given must hold.' })
    filter?: HouseFilter,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 50, at most 200).' })
    first?: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after.' }) after?: string,
  ) {
    const within = filter?.within ? parseArea(filter.within, 'filter.within') : null;
    return toConnection(
      await ctx.services.houses.list(
        { areaCode: filter?.areaCode, within },
        { first, after },
        ctx.viewer.readScope,
      ),
    );
  }

  @Authorized(PERMISSIONS.RECORD_WRITE)
  @Mutation(() => HousePayload, { description: 'Enter a house; its grid is found from its location.' })
  async createHouse(
    @Ctx() ctx: Context,
    @Arg('input', () => HouseInput, { description: 'What to record.' }) input: HouseInput,
  ) {
    const { expectedVersion: _v, ...fields } = input;
    return { house: await ctx.services.houses.create(fields, ctx.actor) };
  }

  @Authorized(PERMISSIONS.RECORD_WRITE)
  @Mutation(() => HousePayload, { description: 'Correct a house.' })
  async updateHouse(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { description: 'Global id of the house.' }) id: string,
    @Arg('input', () => HouseInput, { description: 'What to record.' }) input: HouseInput,
  ) {
    const { expectedVersion, ...fields } = input;
    return { house: await ctx.services.houses.update(idOf(id, 'House'), fields, ctx.actor, expectedVersion) };
  }

  @FieldResolver(() => ID, { description: 'Global id (Relay), opaque.' })
  id(@Root() h: HouseRow): string {
    return toGlobalId('House', h.id);
  }

  @FieldResolver(() => String, {
    description: 'Full address (地址); door, building and room digits masked unless a purpose is given.',
  })
  address(
    @Root() h: HouseRow,
    @Ctx() ctx: Context,
    @Arg('purpose', () => String, { nullable: true, description: PURPOSE_DESCRIPTION }) purpose?: string,
  ) {
    return reveal(ctx, h.address, maskAddress, toGlobalId('House', h.id), 'House.address', purpose);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Street number (门牌号), masked unless a purpose is given.',
  })
  streetNumber(
    @Root() h: HouseRow,
    @Ctx() ctx: Context,
    @Arg('purpose', () => String, { nullable: true, description: PURPOSE_DESCRIPTION }) purpose?: string,
  ) {
    return reveal(ctx, h.streetNumber, maskAddress, toGlobalId('House', h.id), 'House.streetNumber', purpose);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Building (栋), masked unless a purpose is given.',
  })
  building(
    @Root() h: HouseRow,
    @Ctx() ctx: Context,
    @Arg('purpose', () => String, { nullable: true, description: PURPOSE_DESCRIPTION }) purpose?: string,
  ) {
    return reveal(ctx, h.building, maskAddress, toGlobalId('House', h.id), 'House.building', purpose);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Unit (单元), masked unless a purpose is given.',
  })
  unit(
    @Root() h: HouseRow,
    @Ctx() ctx: Context,
    @Arg('purpose', () => String, { nullable: true, description: PURPOSE_DESCRIPTION }) purpose?: string,
  ) {
    return reveal(ctx, h.unit, maskAddress, toGlobalId('House', h.id), 'House.unit', purpose);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Room (室), masked unless a purpose is given.',
  })
  room(
    @Root() h: HouseRow,
    @Ctx() ctx: Context,
    @Arg('purpose', () => String, { nullable: true, description: PURPOSE_DESCRIPTION }) purpose?: string,
  ) {
    return reveal(ctx, h.room, maskAddress, toGlobalId('House', h.id), 'House.room', purpose);
  }

  @FieldResolver(() => GeoJSONScalar, { nullable: true, description: 'Location as a GeoJSON Point.' })
  location(@Root() h: HouseRow) {
    return h.lon === null || h.lat === null ? null : point(h.lon, h.lat);
  }

  @FieldResolver(() => Area, { description: 'The grid that contains the house (属地).' })
  area(@Root() h: HouseRow, @Ctx() ctx: Context) {
    return ctx.loaders.areaByCode.load(h.areaCode);
  }

  @FieldResolver(() => [FieldSource], { description: 'For each field, the source record that supplied it.' })
  sources(@Root() h: HouseRow, @Ctx() ctx: Context) {
    return fieldSources(h.provenance, ctx.loaders);
  }

  @FieldResolver(() => [Conflict], {
    description: 'Values other sources gave that disagree with the current ones (addresses masked).',
  })
  async conflicts(@Root() h: HouseRow, @Ctx() ctx: Context) {
    return maskConflicts(await ctx.services.history.conflictsOf('HOUSE', h.id));
  }

  @FieldResolver(() => [LedgerChange], { description: 'Every change of this house, oldest first.' })
  async history(@Root() h: HouseRow, @Ctx() ctx: Context) {
    return toChanges(await ctx.services.history.changesOf('HOUSE', h.id));
  }
}
