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
import { PURPOSE_DESCRIPTION, reveal, revealText } from '../../auth/reveal';
import { toGlobalId } from '../../graphql/global-id';
import { GeoJSONScalar } from '../../graphql/scalars';
import { point } from '../../geo/geojson';
import { maskPhone } from '../../normalize/phone';
import { maskName } from './case.mask';
import type { CaseRow } from '../../registry/registry.types';
import { Area } from '../area/area.type';
import { Connection, toConnection } from '../common/connection.type';
import { CaseStatus } from '../common/enums';
import { toChanges } from '../common/fields';
import { LedgerChange } from '../common/provenance.type';
import { Node } from '../common/node.type';
import { CaseHandlingLevel } from './case.enums';
import { CaseTransition } from './case-transition.type';
import { transitionsByCase } from './case.loader';
import type { CaseRecord } from '../../cases/case.types';

/** A case (事). */
@ObjectType({
  implements: Node,
  description: 'A case (事件): a problem reported by a resident or a grid worker.',
})
export class Case extends Node {
  @Field({ description: 'Category code (事件类别).' })
  categoryCode: string;

  /** Resolved below (free text, masked). */
  description: string;

  @Field({ description: 'Channel: APP, HOTLINE_12345, GRID_WORKER, PHOTO (随手拍).' })
  channel: string;

  @Field(() => CaseStatus, { description: 'Where the case stands.' })
  status: CaseStatus;

  @Field({ description: 'When it was reported.' })
  reportedAt: Date;

  @Field(() => String, {
    nullable: true,
    description: 'Code of the smallest area containing the location (网格).',
  })
  areaCode: string | null;

  @Field(() => Int, {
    description: 'Version of the record; pass it as expectedVersion to detect concurrent steps.',
  })
  version: number;

  @Field(() => String, {
    nullable: true,
    description: 'Version of the category list the category was taken from.',
  })
  categoryVersion: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why routing fell back to the district command center (POINT_OUTSIDE_AREAS), if it did.',
  })
  routingReason: string | null;

  @Field(() => CaseHandlingLevel, { nullable: true, description: 'The level handling the case now.' })
  handlingLevel: CaseHandlingLevel | null;

  @Field(() => String, { nullable: true, description: 'Code of the area whose unit handles the case now.' })
  handlingAreaCode: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The responsible department (from the category or the dispatch).',
  })
  departmentCode: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Escalation level: 0 community, 1 street, 2 district command center.',
  })
  escalationLevel: number | null;

  /** Resolved below (free text, masked). */
  invalidReason: string | null;

  @Field(() => Date, { nullable: true, description: 'When it was filed (立案).' })
  filedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'Current due date (办理时限), end of a working day.' })
  dueAt: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'The due date set at filing; extensions leave it, the on-time figure uses it.',
  })
  originalDueAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the unit claimed it (签收).' })
  claimedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the unit reported it solved.' })
  resolvedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was closed (结案).' })
  closedAt: Date | null;

  @Field(() => Int, { nullable: true, description: "The reporter's rating, 1–5." })
  rating: number | null;

  /** Resolved below (free text, masked). */
  ratingComment: string | null;

  @Field(() => Date, { nullable: true, description: 'When it was rated.' })
  ratedAt: Date | null;
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
  ): string | null | Promise<string | null> {
    return reveal(ctx, c.reporterPhone, maskPhone, toGlobalId('Case', c.id), 'Case.reporterPhone', purpose);
  }

  @FieldResolver(() => String, {
    description: 'What was reported; ID numbers and phone numbers typed into it are masked.',
  })
  async description(
    @Root() c: CaseRow,
    @Ctx() ctx: Context,
    @Arg('purpose', () => String, { nullable: true, description: PURPOSE_DESCRIPTION }) purpose?: string,
  ): Promise<string> {
    return (
      (await revealText(ctx, c.description, toGlobalId('Case', c.id), 'Case.description', purpose)) ?? ''
    );
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Why the case was not accepted (不予立案); ID numbers and phone numbers in it are masked.',
  })
  invalidReason(
    @Root() c: CaseRecord,
    @Ctx() ctx: Context,
    @Arg('purpose', () => String, { nullable: true, description: PURPOSE_DESCRIPTION }) purpose?: string,
  ): string | null | Promise<string | null> {
    return revealText(ctx, c.invalidReason, toGlobalId('Case', c.id), 'Case.invalidReason', purpose);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "The reporter's comment; ID numbers and phone numbers in it are masked.",
  })
  ratingComment(
    @Root() c: CaseRecord,
    @Ctx() ctx: Context,
    @Arg('purpose', () => String, { nullable: true, description: PURPOSE_DESCRIPTION }) purpose?: string,
  ): string | null | Promise<string | null> {
    return revealText(ctx, c.ratingComment, toGlobalId('Case', c.id), 'Case.ratingComment', purpose);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Reporter name, masked after the first character.',
  })
  reporterName(@Root() c: CaseRow): string | null {
    return c.reporterName ? maskName(c.reporterName) : null;
  }

  @FieldResolver(() => GeoJSONScalar, { nullable: true, description: 'Location as a GeoJSON Point.' })
  location(@Root() c: CaseRow) {
    return c.lon === null || c.lat === null ? null : point(c.lon, c.lat);
  }

  @FieldResolver(() => Area, { nullable: true, description: 'The area the case was routed to.' })
  area(@Root() c: CaseRow, @Ctx() ctx: Context) {
    return c.areaCode ? ctx.loaders.areaByCode.load(c.areaCode) : null;
  }

  @FieldResolver(() => [String], {
    description: 'Ids of the photos (随手拍); GET /cases/photos/{id} serves each.',
  })
  photoIds(@Root() c: CaseRecord): string[] {
    return c.photos ?? [];
  }

  @FieldResolver(() => Area, { nullable: true, description: 'The area whose unit handles the case now.' })
  handlingArea(@Root() c: CaseRecord, @Ctx() ctx: Context) {
    return c.handlingAreaCode ? ctx.loaders.areaByCode.load(c.handlingAreaCode) : null;
  }

  @FieldResolver(() => [CaseTransition], {
    description:
      'The workflow steps, oldest first: actor, time, note and approver (the field values are in history).',
  })
  transitions(@Root() c: CaseRecord, @Ctx() ctx: Context) {
    return transitionsByCase(ctx).load(c.id);
  }

  @FieldResolver(() => [LedgerChange], { description: 'Every change of this case, oldest first.' })
  async history(@Root() c: CaseRow, @Ctx() ctx: Context) {
    return toChanges(await ctx.services.history.changesOf('CASE', c.id));
  }
}
