import 'reflect-metadata';
import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema, NonEmptyArray, PubSub } from 'type-graphql';
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
import { ReviewQueueItemResolver, ReviewResolver } from '../resolvers/ingest/review.resolver';
import { DepartmentResolver } from '../resolvers/department/department.resolver';
import { DateTimeScalar } from './scalars';
import { AuthResolver } from '../resolvers/auth/auth.resolver';
import { authChecker } from '../auth/auth-checker';
import { plainFieldsResolveByDefault, wrapResolvers } from './field-resolution';
import { CaseTransitionResolver } from '../resolvers/case/case-transition.resolver';

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
  ReviewResolver,
  ReviewQueueItemResolver,
  DepartmentResolver,
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
  plainFieldsResolveByDefault();
  const schema = await buildSchema({
    pubSub,
    resolvers: [...RESOLVERS] as NonEmptyArray<(typeof RESOLVERS)[number]>,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
    authChecker,
    emitSchemaFile: false,
  });
  return wrapResolvers(schema);
}

/** The schema as committed in schema/schema.graphql: printed with types and fields sorted. */
export async function printSortedSchema(): Promise<string> {
  return printSchema(lexicographicSortSchema(await createSchema())) + '\n';
}
