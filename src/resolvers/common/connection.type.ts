import { ClassType, Field, Int, ObjectType } from 'type-graphql';

/** Relay page information. */
@ObjectType({ description: 'Where a page of a connection sits in the whole list (Relay).' })
export class PageInfo {
  @Field({ description: 'Whether more items follow this page.' })
  hasNextPage: boolean;

  @Field({ description: 'Whether items precede this page.' })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item of the page.' })
  startCursor: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the last item; pass it as `after` for the next page.',
  })
  endCursor: string | null;
}

/** Builds the Edge and Connection types for a node type (one pair per node type). */
export function Connection<T extends object>(NodeClass: ClassType<T>, name: string, what: string) {
  @ObjectType(`${name}Edge`, { description: `One ${what} in a page, with its cursor.` })
  class Edge {
    @Field({ description: 'Opaque cursor of this item.' })
    cursor: string;

    @Field(() => NodeClass, { description: `The ${what}.` })
    node: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${what}s (Relay cursor connection).` })
  class ConnectionClass {
    @Field(() => [Edge], { description: 'The items of this page.' })
    edges: Edge[];

    @Field(() => PageInfo, { description: 'Paging information.' })
    pageInfo: PageInfo;

    @Field(() => Int, { description: `How many ${what}s match the filter in all (counted only when asked).` })
    totalCount: number;
  }
  return ConnectionClass;
}

/** What a service page gives; turned into a connection by `toConnection`. */
export interface ServicePage<T> {
  nodes: T[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  cursorOf: (n: T) => string;
  totalCount: () => Promise<number>;
}

/** Shapes a service page as a Relay connection; totalCount runs its query only if selected. */
export function toConnection<T>(page: ServicePage<T>) {
  const edges = page.nodes.map((node) => ({ cursor: page.cursorOf(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    get totalCount() {
      return page.totalCount();
    },
  };
}
