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

/** Who may hear of a change, and whether it is one the subscriber asked for. */
function wanted(e: RecordChangedEvent, args: RecordChangedArgs, context: Context): boolean {
  const areas = context.services.areas;
  return (
    // an event about a record outside the subscriber's scope is never sent
    areaInScope(areas, context.viewer.readScope, e.areaCode) &&
    (!args.areaCode || (e.areaCode !== null && areas.isWithin(e.areaCode, args.areaCode))) &&
    (!args.types || args.types.includes(NODE_TYPE[e.entityType] ?? e.entityType))
  );
}

interface RecordChangedArgs {
  areaCode?: string | null;
  types?: string[] | null;
}

/**
 * The changes a subscriber wants, one by one, out of the batches published after each commit. The
 * topic is subscribed to at once, when the subscription starts, not at its first read. (As a
 * type-graphql `filter`, the area check ran synchronously against whatever tree the process held:
 * in a process that had not loaded it yet, nothing matched an `areaCode`.)
 */
function changesFor(args: RecordChangedArgs, context: Context): AsyncGenerator<RecordChangedEvent> {
  const batches = context.services.events.pubSub.subscribe(TOPIC.RECORD_CHANGES) as AsyncIterable<
    RecordChangedEvent[]
  >;
  return (async function* () {
    for await (const batch of batches) {
      // the area tree the filter walks is held in memory: loaded (or refreshed) before it is used
      await context.services.areas.ready();
      for (const e of batch) if (wanted(e, args, context)) yield e;
    }
  })();
}

/** Live change notices over graphql-ws. */
@Resolver()
export class RecordChangeResolver {
  @Subscription(() => RecordChange, {
    subscribe: ({ args, context }: { args: RecordChangedArgs; context: Context }) =>
      changesFor(args, context),
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
