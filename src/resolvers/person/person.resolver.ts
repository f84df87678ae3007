import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Info,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../graphql/context';
import { PURPOSE_DESCRIPTION, reveal } from '../../auth/reveal';
import { PERMISSIONS } from '../../auth/roles';
import { AppError } from '../../errors/app-error';
import { idOf, toGlobalId } from '../../graphql/global-id';
import { operationSelectsAny, selects } from '../../graphql/lookahead';
import { maskIdNumber } from '../../normalize/id-number';
import { maskPhone } from '../../normalize/phone';
import { isoDay } from '../../registry/person.service';
import type { PersonRow } from '../../registry/registry.types';
import { toConnection } from '../common/connection.type';
import { fieldSources, maskConflicts, toChanges } from '../common/fields';
import { Conflict, FieldSource, LedgerChange } from '../common/provenance.type';
import { Area } from '../area/area.type';
import { Fact } from './fact.type';
import { House } from '../house/house.type';
import { Household } from '../household/household.type';
import { CreatePersonInput, PersonFilter, UpdatePersonInput } from './person.input';
import { Person, PersonConnection } from './person.type';

@ObjectType({ description: 'Result of createPerson.' })
class CreatePersonPayload {
  @Field(() => Person, { description: 'The person as recorded.' })
  person: PersonRow;
}

@ObjectType({ description: 'Result of updatePerson.' })
class UpdatePersonPayload {
  @Field(() => Person, { description: 'The person after the correction.' })
  person: PersonRow;
}

/** Persons: lookups, the filtered list, entry and correction. */
@Resolver(() => Person)
export class PersonResolver {
  @Query(() => Person, {
    nullable: true,
    description: 'One person by global id or by citizen ID number; asOf reads the record as it was then.',
  })
  async person(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { nullable: true, description: 'Global id.' }) id?: string,
    @Arg('idNumber', () => String, { nullable: true, description: 'Citizen ID number (公民身份号码).' })
    idNumber?: string,
    @Arg('asOf', () => Date, { nullable: true, description: 'Read the record as recorded at this instant.' })
    asOf?: Date,
  ): Promise<PersonRow | null> {
    if (id) return ctx.loaders.personById.load({ id: idOf(id, 'Person'), asOf: asOf ?? null });
    if (idNumber) {
      const p = await ctx.services.persons.byIdNumber(idNumber, ctx.viewer.readScope);
      return p && asOf ? ctx.loaders.personById.load({ id: p.id, asOf }) : p;
    }
    return null;
  }

  @Query(() => PersonConnection, {
    description: 'Persons matching a filter, in a stable order, as a cursor connection.',
  })
  async persons(
    @Ctx() ctx: Context,
    @Arg('filter', () => PersonFilter, { nullable: true, description: 'Filters.' }) filter?: PersonFilter,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 50, at most 200).' })
    first?: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after.' }) after?: string,
    @Arg('asOf', () => Date, { nullable: true, description: 'Read the ledger as recorded at this instant.' })
    asOf?: Date,
    @Info() info?: GraphQLResolveInfo,
  ) {
    // the households and houses the page shows, and its total, come in the page's own statement
    const join = {
      household: !!info && selects(info, ['edges', 'node', 'household']),
      house: !!info && selects(info, ['edges', 'node', 'house']),
      total: !!info && selects(info, ['totalCount']),
      // the rows go into the request's loaders, so they may lack only what no field of the whole
      // request shows: provenance (`sources`) and timestamps
      slim: !!info && !operationSelectsAny(info, ['sources', 'createdAt', 'updatedAt']),
    };
    const page = await ctx.services.persons.list(
      filter ?? {},
      { first, after },
      ctx.viewer.readScope,
      asOf ?? null,
      true,
      join,
    );
    for (const p of page.nodes) ctx.loaders.personById.prime({ id: p.id, asOf: asOf ?? null }, p);
    for (const [id, h] of page.households ?? []) ctx.loaders.householdById.prime({ id, asOf: null }, h);
    for (const [id, h] of page.houses ?? []) ctx.loaders.houseById.prime({ id, asOf: null }, h);
    return toConnection(page);
  }

  @Authorized(PERMISSIONS.RECORD_WRITE)
  @Mutation(() => CreatePersonPayload, {
    description: 'Enter a new person once; every department then sees the same record.',
  })
  async createPerson(
    @Ctx() ctx: Context,
    @Arg('input', () => CreatePersonInput, { description: 'What to record.' }) input: CreatePersonInput,
  ) {
    return { person: await ctx.services.persons.create(input, ctx.actor) };
  }

  @Authorized(PERMISSIONS.RECORD_WRITE)
  @Mutation(() => UpdatePersonPayload, {
    description: 'Correct fields of a person; the old values stay in the history.',
  })
  async updatePerson(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { description: 'Global id of the person.' }) id: string,
    @Arg('input', () => UpdatePersonInput, { description: 'What to record.' }) input: UpdatePersonInput,
  ) {
    const { expectedVersion, status, ...fields } = input;
    if (status === 'MERGED') {
      throw new AppError(
        'VALUE_INVALID',
        'input.status MERGED is set by merging records, not by editing',
        'input.status',
      );
    }
    return {
      person: await ctx.services.persons.update(
        idOf(id, 'Person', 'id'),
        { ...fields, status },
        ctx.actor,
        expectedVersion,
      ),
    };
  }

  @FieldResolver(() => ID, { description: 'Global id (Relay), opaque.' })
  id(@Root() p: PersonRow): string {
    return toGlobalId('Person', p.id);
  }

  @FieldResolver(() => String, { nullable: true })
  idNumber(
    @Root() p: PersonRow,
    @Ctx() ctx: Context,
    @Arg('purpose', () => String, { nullable: true, description: PURPOSE_DESCRIPTION }) purpose?: string,
  ): string | null | Promise<string | null> {
    return reveal(ctx, p.idNumber, maskIdNumber, toGlobalId('Person', p.id), 'Person.idNumber', purpose);
  }

  @FieldResolver(() => String, { nullable: true })
  phone(
    @Root() p: PersonRow,
    @Ctx() ctx: Context,
    @Arg('purpose', () => String, { nullable: true, description: PURPOSE_DESCRIPTION }) purpose?: string,
  ): string | null | Promise<string | null> {
    return reveal(ctx, p.phone, maskPhone, toGlobalId('Person', p.id), 'Person.phone', purpose);
  }

  @FieldResolver(() => Int, { nullable: true })
  age(@Root() p: PersonRow): number | null {
    if (!p.birthDate) return null;
    const day = isoDay(p.asOf ?? new Date());
    let age = Number(day.slice(0, 4)) - Number(p.birthDate.slice(0, 4));
    if (day.slice(5) < p.birthDate.slice(5)) age--;
    return age;
  }

  @FieldResolver(() => Household, {
    nullable: true,
    description: 'The household (户) the person belongs to.',
  })
  household(@Root() p: PersonRow, @Ctx() ctx: Context) {
    return p.householdId ? ctx.loaders.householdById.load({ id: p.householdId, asOf: p.asOf ?? null }) : null;
  }

  @FieldResolver(() => House, { nullable: true, description: 'The house the person lives in.' })
  house(@Root() p: PersonRow, @Ctx() ctx: Context) {
    return p.houseId ? ctx.loaders.houseById.load({ id: p.houseId, asOf: p.asOf ?? null }) : null;
  }

  @FieldResolver(() => Area, { description: 'The community or grid the person belongs to.' })
  area(@Root() p: PersonRow, @Ctx() ctx: Context) {
    return ctx.loaders.areaByCode.load(p.areaCode);
  }

  @FieldResolver(() => [Fact], {
    description: 'Department facts about the person (低保, 特困, disability, insurance...).',
  })
  facts(@Root() p: PersonRow, @Ctx() ctx: Context) {
    return ctx.loaders.factsByPersonId.load({ id: p.id, asOf: p.asOf ?? null });
  }

  @FieldResolver(() => [FieldSource], {
    description: 'For each field, the source record that supplied the current value.',
  })
  sources(@Root() p: PersonRow, @Ctx() ctx: Context) {
    return fieldSources(p.provenance, ctx.loaders);
  }

  @FieldResolver(() => [Conflict], {
    description: 'Values other sources gave that disagree with the current ones.',
  })
  async conflicts(@Root() p: PersonRow, @Ctx() ctx: Context) {
    return maskConflicts(await ctx.services.history.conflictsOf('PERSON', p.id));
  }

  @FieldResolver(() => [LedgerChange], {
    description: 'Every change of this record, oldest first (personal data masked).',
  })
  async history(@Root() p: PersonRow, @Ctx() ctx: Context) {
    return toChanges(await ctx.services.history.changesOf('PERSON', p.id));
  }
}
