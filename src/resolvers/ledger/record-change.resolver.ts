import { Arg, Ctx, Field, ID, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { areaInScope } from '../../auth/scope';
import { NodeType, toGlobalId } from '../../graphql/global-id';
import type { RecordChangedEvent } from '../../graphql/pubsub';
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

/** Who may hear of a change, and whether it lies in the area asked for (types: `changesFor`). */
function wanted(e: RecordChangedEvent, args: RecordChangedArgs, context: Context): boolean {
  const areas = context.services.areas;
  return (
    // an event about a record outside the subscriber's scope is never sent
    areaInScope(areas, context.viewer.readScope, e.areaCode) &&
    (!args.areaCode || (e.areaCode !== null && areas.isWithin(e.areaCode, args.areaCode)))
  );
}

interface RecordChangedArgs {
  areaCode?: string | null;
  types?: string[] | null;
}

/**
 * The changes a subscriber wants, one by one. They come from the live GRID_UPDATED topic, which
 * every committed ledger batch feeds once (a fact with its person's area): publishing each batch
 * again on a topic of its own cost a 200,000-row ingest 0.6 s of its main thread (bench/RESULTS.md).
 * The topic is listened to at once, when the subscription starts, not at its first read. Types are
 * sorted out as events arrive, so a subscriber to cases does not queue an ingest's persons; the
 * area tree the rest of the filter walks is held in memory and loaded (or refreshed) before use.
 */
function changesFor(args: RecordChangedArgs, context: Context): AsyncGenerator<RecordChangedEvent> {
  const types = args.types;
  const live = context.services.live.subscribe('GRID_UPDATED', {
    filter: types ? (e) => types.includes(NODE_TYPE[e.entityType] ?? e.entityType) : undefined,
  });
  return (async function* () {
    try {
      for await (const { payload } of live) {
        await context.services.areas.ready();
        if (wanted(payload, args, context)) yield payload;
      }
    } finally {
      await live.return?.();
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
