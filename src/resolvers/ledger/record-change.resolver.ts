import { Arg, Ctx, Field, ID, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { areaInScope } from '../../auth/scope';
import { NodeType, toGlobalId } from '../../graphql/global-id';
import { RecordChangedEvent, TOPIC } from '../../graphql/pubsub';
import { fieldName } from '../common/fields';

const NODE_TYPE: Record<string, NodeType> = {
  PERSON: 'Person',
  HOUSEHOLD: 'Household',
  HOUSE: 'House',
  THING: 'Thing',
  CASE: 'Case',
  FACT: 'Fact',
};

/** A change notice. */
@ObjectType({ description: 'A ledger record was created or changed (sent after the change committed).' })
export class RecordChange {
  @Field(() => ID, { description: 'Global id of the record; fetch it with node(id:).' })
  id: string;

  @Field({ description: 'Type of the record: Person, Household, House, Thing, Case or Fact.' })
  type: string;

  @Field({ description: 'CREATE or UPDATE.' })
  op: string;

  @Field(() => [String], { description: 'Fields that changed (names as in the GraphQL types).' })
  fields: string[];

  @Field(() => String, { nullable: true, description: 'Code of the area the record belongs to.' })
  areaCode: string | null;

  @Field({ description: 'When the change was recorded.' })
  recordedAt: Date;
}

/** Live change notices over graphql-ws. */
@Resolver()
export class RecordChangeResolver {
  @Subscription(() => RecordChange, {
    topics: TOPIC.RECORD_CHANGED,
    filter: ({
      payload,
      args,
      context,
    }: {
      payload: RecordChangedEvent;
      args: { areaCode?: string | null; types?: string[] | null };
      context: Context;
    }) =>
      // an event about a record outside the subscriber's scope is never sent
      areaInScope(context.services.areas, context.viewer.readScope, payload.areaCode) &&
      (!args.areaCode ||
        (payload.areaCode !== null && context.services.areas.isWithin(payload.areaCode, args.areaCode))) &&
      (!args.types || args.types.includes(NODE_TYPE[payload.entityType] ?? payload.entityType)),
    description:
      'Ledger records created or changed in an area subtree, as they commit (persons, houses, things, cases...).',
  })
  recordChanged(
    @Root() e: RecordChangedEvent,
    @Ctx() _ctx: Context,
    @Arg('areaCode', () => String, { nullable: true, description: 'Only records in this area or below it.' })
    _areaCode?: string,
    @Arg('types', () => [String], { nullable: true, description: 'Only these record types, e.g. ["Case"].' })
    _types?: string[],
  ): RecordChange {
    const type = NODE_TYPE[e.entityType];
    return {
      id: toGlobalId(type, e.id),
      type,
      op: e.op,
      fields: e.fields.map(fieldName),
      areaCode: e.areaCode,
      recordedAt: new Date(e.recordedAt),
    };
  }
}
