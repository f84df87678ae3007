import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Int,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { Context } from '../../graphql/context';
import { PURPOSE_DESCRIPTION, reveal } from '../../auth/reveal';
import { toGlobalId } from '../../graphql/global-id';
import { GeoJSONScalar } from '../../graphql/scalars';
import { point } from '../../geo/geojson';
import { maskPhone } from '../../normalize/phone';
import type { CaseRow } from '../../registry/registry.types';
import { Area } from '../area/area.type';
import { Connection, toConnection } from '../common/connection.type';
import { CaseStatus } from '../common/enums';
import { toChanges } from '../common/fields';
import { LedgerChange } from '../common/provenance.type';
import { Node } from '../common/node.type';

/** A case (事). */
@ObjectType({
  implements: Node,
  description: 'A case (事件): a problem reported by a resident or a grid worker.',
})
export class Case extends Node {
  @Field({ description: 'Category code (事件类别).' })
  categoryCode: string;

  @Field({ description: 'What was reported.' })
  description: string;

  @Field({ description: 'Channel: APP, HOTLINE_12345, GRID_WORKER, PHOTO (随手拍).' })
  channel: string;

  @Field(() => String, { nullable: true, description: 'Reporter name.' })
  reporterName: string | null;

  @Field(() => CaseStatus, { description: 'Where the case stands.' })
  status: CaseStatus;

  @Field({ description: 'When it was reported.' })
  reportedAt: Date;
}

@ObjectType({ description: 'A page of cases.' })
export class CaseConnection extends Connection(Case, 'Case', 'case') {}

@InputType({ description: 'Filters for cases.' })
class CaseFilter {
  @Field(() => String, { nullable: true, description: 'Area code: cases in this area or below it.' })
  areaCode?: string | null;

  @Field(() => CaseStatus, { nullable: true, description: 'Only this status.' })
  status?: CaseStatus | null;
}

/** Case reads (the workflow lives in the cases capability). */
@Resolver(() => Case)
export class CaseResolver {
  @Query(() => CaseConnection, { description: 'Cases by status and area.' })
  async cases(
    @Ctx() ctx: Context,
    @Arg('filter', () => CaseFilter, { nullable: true, description: 'Filters; all given must hold.' })
    filter?: CaseFilter,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 50, at most 200).' })
    first?: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after.' }) after?: string,
  ) {
    return toConnection(await ctx.services.cases.list(filter ?? {}, { first, after }, ctx.viewer.readScope));
  }

  @FieldResolver(() => ID, { description: 'Global id (Relay), opaque.' })
  id(@Root() c: CaseRow): string {
    return toGlobalId('Case', c.id);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Reporter phone, masked.' })
  reporterPhone(
    @Root() c: CaseRow,
    @Ctx() ctx: Context,
    @Arg('purpose', () => String, { nullable: true, description: PURPOSE_DESCRIPTION }) purpose?: string,
  ): Promise<string | null> {
    return reveal(ctx, c.reporterPhone, maskPhone, toGlobalId('Case', c.id), 'Case.reporterPhone', purpose);
  }

  @FieldResolver(() => GeoJSONScalar, { nullable: true, description: 'Location as a GeoJSON Point.' })
  location(@Root() c: CaseRow) {
    return c.lon === null || c.lat === null ? null : point(c.lon, c.lat);
  }

  @FieldResolver(() => Area, { nullable: true, description: 'The area the case was routed to.' })
  area(@Root() c: CaseRow, @Ctx() ctx: Context) {
    return c.areaCode ? ctx.loaders.areaByCode.load(c.areaCode) : null;
  }

  @FieldResolver(() => [LedgerChange], { description: 'Every change of this case, oldest first.' })
  async history(@Root() c: CaseRow, @Ctx() ctx: Context) {
    return toChanges(await ctx.services.history.changesOf('CASE', c.id));
  }
}
