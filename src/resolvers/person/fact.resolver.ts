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
import { GraphQLJSONObject } from 'graphql-scalars';
import type { Context } from '../../graphql/context';
import { PERMISSIONS } from '../../auth/roles';
import { maskPersonalValue } from '../../auth/mask-text';
import { mayUnmask, PURPOSE_DESCRIPTION } from '../../auth/reveal';
import { idOf, toGlobalId } from '../../graphql/global-id';
import { DateScalar } from '../../graphql/scalars';
import type { FactRow } from '../../registry/registry.types';
import { fieldSources } from '../common/fields';
import { FieldSource } from '../common/provenance.type';
import { Fact } from './fact.type';

@InputType({ description: 'A fact a department asserts about a person.' })
class RecordFactInput {
  @Field(() => ID, { description: 'Global id of the person.' })
  personId: string;

  @Field({ description: 'Kind code, e.g. MINIMUM_LIVING (低保).' })
  kind: string;

  @Field(() => String, { nullable: true, description: "Department code; defaults to the kind's department." })
  departmentCode?: string | null;

  @Field(() => DateScalar, { description: 'First day the fact holds.' })
  validFrom: string;

  @Field(() => DateScalar, { nullable: true, description: 'Last day the fact holds, if known.' })
  validTo?: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Details such as {"monthlyAmount": 620}.' })
  attributes?: Record<string, unknown>;
}

@ObjectType({ description: 'Result of recordFact and endFact.' })
class FactPayload {
  @Field(() => Fact, { description: 'The fact as recorded.' })
  fact: FactRow;
}

/** Department facts about persons. */
@Resolver(() => Fact)
export class FactResolver {
  @FieldResolver(() => GraphQLJSONObject, {
    description:
      'Details, e.g. {"monthlyAmount": 620, "level": "A"}; ID numbers and phone numbers in them (a guardian\'s, from a roster column) are masked.',
  })
  async attributes(
    @Root() f: FactRow,
    @Ctx() ctx: Context,
    @Arg('purpose', () => String, { nullable: true, description: PURPOSE_DESCRIPTION }) purpose?: string,
  ): Promise<Record<string, unknown>> {
    const unmask = await mayUnmask(ctx, toGlobalId('Fact', f.id), 'Fact.attributes', purpose);
    return unmask ? f.attributes : (maskPersonalValue(f.attributes) as Record<string, unknown>);
  }

  @Authorized(PERMISSIONS.RECORD_WRITE)
  @Mutation(() => FactPayload, { description: 'Record a department fact about a person for a period.' })
  async recordFact(
    @Ctx() ctx: Context,
    @Arg('input', () => RecordFactInput, { description: 'What to record.' }) input: RecordFactInput,
  ) {
    const personId = idOf(input.personId, 'Person', 'input.personId');
    const person = await ctx.loaders.personById.load({ id: personId, asOf: null });
    return { fact: await ctx.services.facts.record({ ...input, personId }, ctx.actor, person) };
  }

  @Authorized(PERMISSIONS.RECORD_WRITE)
  @Mutation(() => FactPayload, {
    description: 'End a fact on a day (e.g. the allowance stopped); its history is kept.',
  })
  async endFact(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { description: 'Global id of the fact.' }) id: string,
    @Arg('validTo', () => DateScalar, { description: 'Last day the fact held.' }) validTo: string,
  ) {
    return { fact: await ctx.services.facts.end(idOf(id, 'Fact'), validTo, ctx.actor) };
  }

  @FieldResolver(() => ID, { description: 'Global id (Relay), opaque.' })
  id(@Root() f: FactRow): string {
    return toGlobalId('Fact', f.id);
  }

  @FieldResolver(() => [FieldSource], { description: 'For each field, the source record that supplied it.' })
  sources(@Root() f: FactRow, @Ctx() ctx: Context) {
    return fieldSources(f.provenance, ctx.loaders);
  }
}
