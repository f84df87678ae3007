import {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLError,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../registry/pagination';

/** The limits checked before a request executes. */
export interface QueryLimits {
  depth: number;
  complexity: number;
  aliases: number;
  operations: number;
}

/** A request refused before execution; `reason` says which limit, HTTP 400. */
export function limitError(reason: string, message: string, field?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'BAD_USER_INPUT', reason, ...(field ? { field } : {}), http: { status: 400 } },
  });
}

function fragmentsOf(doc: DocumentNode): Map<string, FragmentDefinitionNode> {
  const m = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) m.set(d.name.value, d);
  return m;
}

/** Deepest field nesting of a selection set, following fragments (a fragment cycle counts as too deep). */
function depthOf(
  set: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  seen: Set<string>,
): number {
  if (!set) return 0;
  let max = 0;
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) {
      if (s.name.value.startsWith('__')) continue; // introspection is limited by its own shape
      max = Math.max(max, 1 + depthOf(s.selectionSet, fragments, seen));
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      max = Math.max(max, depthOf(s.selectionSet, fragments, seen));
    } else {
      const f = fragments.get(s.name.value);
      if (!f || seen.has(f.name.value)) return Number.POSITIVE_INFINITY;
      max = Math.max(max, depthOf(f.selectionSet, fragments, new Set([...seen, f.name.value])));
    }
  }
  return max;
}

/** Aliased fields in the whole document (fragments counted once where defined). */
function aliasesOf(doc: DocumentNode): number {
  let n = 0;
  const walk = (set: SelectionSetNode | undefined) => {
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD) {
        if ((s as FieldNode).alias) n++;
        walk(s.selectionSet);
      } else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
    }
  };
  for (const d of doc.definitions)
    if (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION) walk(d.selectionSet);
  return n;
}

/**
 * Checks a parsed, validated request against the limits before anything executes (so a refused
 * request sends no SQL): operations in the document, depth, aliases, page sizes and the cost
 * estimate, where a list field costs its page size times its children.
 */
export function checkLimits(
  schema: GraphQLSchema,
  doc: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  limits: QueryLimits,
): void {
  const operations = doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
  if (operations > limits.operations)
    throw limitError(
      'QUERY_OPERATIONS_EXCEEDED',
      `a request may hold at most ${limits.operations} operations`,
    );
  const depth = depthOf(operation.selectionSet, fragmentsOf(doc), new Set());
  if (depth > limits.depth)
    throw limitError(
      'QUERY_DEPTH_EXCEEDED',
      `the query nests ${depth} levels; at most ${limits.depth} are allowed`,
    );
  const aliases = aliasesOf(doc);
  if (aliases > limits.aliases)
    throw limitError(
      'QUERY_ALIASES_EXCEEDED',
      `the query uses ${aliases} aliases; at most ${limits.aliases} are allowed`,
    );
  let cost: number;
  try {
    cost = complexityOf();
  } catch (e) {
    // a variable the schema cannot coerce (an unknown enum value…) is not a limit problem: the
    // execution that follows refuses it as BAD_USER_INPUT before any resolver or SQL runs
    if (e instanceof GraphQLError && e.extensions?.reason === undefined) return;
    throw e;
  }
  if (cost > limits.complexity)
    throw limitError(
      'QUERY_COMPLEXITY_EXCEEDED',
      `the query costs ${cost}; at most ${limits.complexity} is allowed`,
    );

  function complexityOf(): number {
    return getComplexity({
      schema,
      query: doc,
      variables: variables ?? {},
      operationName: operation.name?.value,
      estimators: [
        ({ args, field, childComplexity }) => {
          if (!field.args.some((a) => a.name === 'first')) return 1 + childComplexity;
          const first = args.first ?? DEFAULT_PAGE_SIZE;
          if (typeof first === 'number' && (first > MAX_PAGE_SIZE || first < 0))
            throw limitError('PAGE_SIZE_EXCEEDED', `first must be between 0 and ${MAX_PAGE_SIZE}`, 'first');
          return 1 + childComplexity * Math.max(1, Number(first));
        },
      ],
    });
  }
}
