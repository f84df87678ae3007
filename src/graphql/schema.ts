import 'reflect-metadata';
import {
  GraphQLFieldResolver,
  GraphQLSchema,
  isObjectType,
  lexicographicSortSchema,
  printSchema,
} from 'graphql';
import { buildSchema, NextFn, NonEmptyArray, PubSub } from 'type-graphql';
import { AreaStatisticsResolver } from '../resolvers/area/area-statistics.resolver';
import { AreaResolver } from '../resolvers/area/area.resolver';
import { CaseResolver } from '../resolvers/case/case.resolver';
import { CaseWorkflowResolver } from '../resolvers/case/case-workflow.resolver';
import { CaseLiveResolver } from '../resolvers/case/case-live.resolver';
import { NodeResolver } from '../resolvers/common/node.resolver';
import { HouseResolver } from '../resolvers/house/house.resolver';
import { HouseholdResolver } from '../resolvers/household/household.resolver';
import { FactResolver } from '../resolvers/person/fact.resolver';
import { PersonResolver } from '../resolvers/person/person.resolver';
import { ThingResolver } from '../resolvers/thing/thing.resolver';
import { RecordChangeResolver } from '../resolvers/ledger/record-change.resolver';
import { CohortResolver } from '../resolvers/report/cohort.resolver';
import { ReportCellResolver, ReportResolver } from '../resolvers/report/report.resolver';
import { IngestResolver } from '../resolvers/ingest/ingest.resolver';
import { MergeResolver } from '../resolvers/ingest/merge.resolver';
import { DateTimeScalar } from './scalars';
import { AuthResolver } from '../resolvers/auth/auth.resolver';
import { authChecker } from '../auth/auth-checker';
import { deadlineMiddleware } from './deadline';
import { CaseTransitionResolver } from '../resolvers/case/case-transition.resolver';
import type { Context } from './context';

/** Every resolver of the API; a new capability adds its resolvers here. */
export const RESOLVERS = [
  NodeResolver,
  AreaResolver,
  AreaStatisticsResolver,
  PersonResolver,
  FactResolver,
  HouseholdResolver,
  HouseResolver,
  ThingResolver,
  CaseResolver,
  CaseWorkflowResolver,
  CaseTransitionResolver,
  CaseLiveResolver,
  RecordChangeResolver,
  AuthResolver,
  ReportResolver,
  ReportCellResolver,
  CohortResolver,
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

/**
 * Puts the deadline check in front of every field's resolver, as a plain synchronous call. As a
 * type-graphql global middleware the same check turned every field (a person's name as much as
 * its household) into a chain of async functions and promises: on a persons page that was most of
 * the execution's CPU and garbage (bench/RESULTS.md).
 */
function checkDeadlineOnEveryField(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve as GraphQLFieldResolver<unknown, Context> | undefined;
      if (!resolve) continue;
      field.resolve = (root, args, context, info) =>
        deadlineMiddleware({ root, args, context, info }, (() =>
          resolve(root, args, context, info)) as NextFn);
    }
  }
  return schema;
}

/** Builds the executable schema from the code-first types; subscriptions go through `pubSub`. */
export async function createSchema(pubSub: PubSub = noPubSub): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    pubSub,
    resolvers: [...RESOLVERS] as NonEmptyArray<(typeof RESOLVERS)[number]>,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
    authChecker,
    emitSchemaFile: false,
  });
  return checkDeadlineOnEveryField(schema);
}

/** The schema as committed in schema/schema.graphql: printed with types and fields sorted. */
export async function printSortedSchema(): Promise<string> {
  return printSchema(lexicographicSortSchema(await createSchema())) + '\n';
}
