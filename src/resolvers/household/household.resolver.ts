import {
  Authorized,
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Mutation,
  ObjectType,
  Resolver,
  Root,
} from 'type-graphql';
import type { Context } from '../../graphql/context';
import { PERMISSIONS } from '../../auth/roles';
import { idOf, toGlobalId } from '../../graphql/global-id';
import type { HouseholdRow, PersonRow } from '../../registry/registry.types';
import { Area } from '../area/area.type';
import { fieldSources, maskConflicts, toChanges } from '../common/fields';
import { Conflict, FieldSource, LedgerChange } from '../common/provenance.type';
import { House } from '../house/house.type';
import { Person } from '../person/person.type';
import { Household } from './household.type';

@InputType({ description: 'A new household.' })
class CreateHouseholdInput {
  @Field({ description: 'Household number (户号).' })
  householdNumber: string;

  @Field(() => ID, {
    nullable: true,
    description: "Global id of the house it lives in; its grid becomes the household's area.",
  })
  houseId?: string | null;

  @Field(() => String, { nullable: true, description: 'Community or grid code, when no house is given.' })
  areaCode?: string | null;
}

@InputType({ description: 'Puts a person into a household.' })
class SetHouseholdMemberInput {
  @Field(() => ID, { description: 'Global id of the household.' })
  householdId: string;

  @Field(() => ID, { description: 'Global id of the person.' })
  personId: string;

  @Field({
    description:
      'Relation to the head (与户主关系): 户主, 配偶, 子, 女, 父亲, 母亲...; 户主 makes the person the head.',
  })
  relationToHead: string;
}

@ObjectType({ description: 'Result of createHousehold.' })
class CreateHouseholdPayload {
  @Field(() => Household, { description: 'The household as recorded.' })
  household: HouseholdRow;
}

@ObjectType({ description: 'Result of setHouseholdMember.' })
class SetHouseholdMemberPayload {
  @Field(() => Household, { description: 'The household.' })
  household: HouseholdRow;

  @Field(() => Person, { description: 'The member.' })
  person: PersonRow;
}

@ObjectType({ description: 'Result of removeHouseholdMember.' })
class RemoveHouseholdMemberPayload {
  @Field(() => Person, { description: 'The person, now in no household.' })
  person: PersonRow;
}

/** Households and memberships. */
@Resolver(() => Household)
export class HouseholdResolver {
  @Authorized(PERMISSIONS.RECORD_WRITE)
  @Mutation(() => CreateHouseholdPayload, { description: 'Create a household (户).' })
  async createHousehold(
    @Ctx() ctx: Context,
    @Arg('input', () => CreateHouseholdInput, { description: 'What to record.' }) input: CreateHouseholdInput,
  ) {
    const houseId = input.houseId ? idOf(input.houseId, 'House', 'input.houseId') : null;
    const household = await ctx.services.households.create({ ...input, houseId }, ctx.actor, (id) =>
      ctx.loaders.houseById.load({ id, asOf: null }),
    );
    return { household };
  }

  @Authorized(PERMISSIONS.RECORD_WRITE)
  @Mutation(() => SetHouseholdMemberPayload, {
    description: 'Put a person into a household with a relation to its head.',
  })
  async setHouseholdMember(
    @Ctx() ctx: Context,
    @Arg('input', () => SetHouseholdMemberInput, { description: 'What to record.' })
    input: SetHouseholdMemberInput,
  ) {
    return ctx.services.households.setMembership(
      {
        householdId: idOf(input.householdId, 'Household', 'input.householdId'),
        personId: idOf(input.personId, 'Person', 'input.personId'),
        relationToHead: input.relationToHead,
      },
      ctx.actor,
      (id) => ctx.services.persons.byIds([id], ctx.actor.scope).then((r) => r[0]),
    );
  }

  @Authorized(PERMISSIONS.RECORD_WRITE)
  @Mutation(() => RemoveHouseholdMemberPayload, { description: 'Take a person out of their household.' })
  async removeHouseholdMember(
    @Ctx() ctx: Context,
    @Arg('personId', () => ID, { description: 'Global id of the person.' }) personId: string,
  ) {
    const person = await ctx.services.households.removeMember(
      idOf(personId, 'Person', 'personId'),
      ctx.actor,
      (id) => ctx.services.persons.byIds([id], ctx.actor.scope).then((r) => r[0]),
    );
    return { person };
  }

  @FieldResolver(() => ID, { description: 'Global id (Relay), opaque.' })
  id(@Root() h: HouseholdRow): string {
    return toGlobalId('Household', h.id);
  }

  @FieldResolver(() => Person, { nullable: true, description: 'Head of the household (户主).' })
  head(@Root() h: HouseholdRow, @Ctx() ctx: Context) {
    return h.headPersonId ? ctx.loaders.personById.load({ id: h.headPersonId, asOf: h.asOf ?? null }) : null;
  }

  @FieldResolver(() => [Person], { description: 'Members, each with their relation to the head.' })
  members(@Root() h: HouseholdRow, @Ctx() ctx: Context) {
    return ctx.loaders.membersByHouseholdId.load({ id: h.id, asOf: h.asOf ?? null });
  }

  @FieldResolver(() => House, { nullable: true, description: 'The house the household lives in.' })
  house(@Root() h: HouseholdRow, @Ctx() ctx: Context) {
    return h.houseId ? ctx.loaders.houseById.load({ id: h.houseId, asOf: h.asOf ?? null }) : null;
  }

  @FieldResolver(() => Area, { description: 'The grid or community of the household.' })
  area(@Root() h: HouseholdRow, @Ctx() ctx: Context) {
    return ctx.loaders.areaByCode.load(h.areaCode);
  }

  @FieldResolver(() => [FieldSource], { description: 'For each field, the source record that supplied it.' })
  sources(@Root() h: HouseholdRow, @Ctx() ctx: Context) {
    return fieldSources(h.provenance, ctx.loaders);
  }

  @FieldResolver(() => [Conflict], {
    description: 'Values other sources gave that disagree with the current ones (addresses masked).',
  })
  async conflicts(@Root() h: HouseholdRow, @Ctx() ctx: Context) {
    return maskConflicts(await ctx.services.history.conflictsOf('HOUSEHOLD', h.id));
  }

  @FieldResolver(() => [LedgerChange], { description: 'Every change of this household, oldest first.' })
  async history(@Root() h: HouseholdRow, @Ctx() ctx: Context) {
    return toChanges(await ctx.services.history.changesOf('HOUSEHOLD', h.id));
  }
}
