import 'reflect-metadata';
import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema, PubSub } from 'type-graphql';
import { AreaResolver } from '../resolvers/area/area.resolver';
import { CaseResolver } from '../resolvers/case/case.resolver';
import { NodeResolver } from '../resolvers/common/node.resolver';
import { HouseResolver } from '../resolvers/house/house.resolver';
import { HouseholdResolver } from '../resolvers/household/household.resolver';
import { FactResolver } from '../resolvers/person/fact.resolver';
import { PersonResolver } from '../resolvers/person/person.resolver';
import { ThingResolver } from '../resolvers/thing/thing.resolver';
import { RecordChangeResolver } from '../resolvers/ledger/record-change.resolver';
import { IngestResolver } from '../resolvers/ingest/ingest.resolver';
import { MergeResolver } from '../resolvers/ingest/merge.resolver';
import { DateTimeScalar } from './scalars';

/** Every resolver of the API; a new capability adds its resolvers here. */
export const RESOLVERS = [
  NodeResolver,
  AreaResolver,
  PersonResolver,
  FactResolver,
  HouseholdResolver,
  HouseResolver,
  ThingResolver,
  CaseResolver,
  RecordChangeResolver,
  IngestResolver,
  MergeResolver,
] as const;

const noPubSub: PubSub = {
  publish() {
    throw new Error('this schema was built without pub/sub');
  },
  subscribe() {
    throw new Error('this schema was built without pub/sub');
  },
};

/** Builds the executable schema from the code-first types; subscriptions go through `pubSub`. */
export async function createSchema(pubSub: PubSub = noPubSub): Promise<GraphQLSchema> {
  return buildSchema({
    pubSub,
    resolvers: [...RESOLVERS] as unknown as [Function, ...Function[]],
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
    emitSchemaFile: false,
  });
}

/** The schema as committed in schema/schema.graphql: printed with types and fields sorted. */
export async function printSortedSchema(): Promise<string> {
  return printSchema(lexicographicSortSchema(await createSchema())) + '\n';
}
