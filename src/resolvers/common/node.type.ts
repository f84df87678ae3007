import { Field, ID, InterfaceType } from 'type-graphql';

/** The Relay Node interface: anything with a global id can be fetched through node(id:). */
@InterfaceType({
  description: 'An object with a global id (Relay Node); fetch any of them with node(id:).',
  resolveType: (value: { __typename?: string }) => value.__typename,
})
export abstract class Node {
  @Field(() => ID, { description: 'Global id, opaque; stable for the life of the record.' })
  id: string;
}
