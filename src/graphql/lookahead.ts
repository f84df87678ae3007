import type { FieldNode, GraphQLResolveInfo, OperationDefinitionNode, SelectionSetNode } from 'graphql';
import { Kind } from 'graphql';

function fieldsNamed(
  sets: readonly SelectionSetNode[],
  name: string,
  info: Pick<GraphQLResolveInfo, 'fragments'>,
): SelectionSetNode[] {
  const out: SelectionSetNode[] = [];
  const visit = (set: SelectionSetNode, seen: Set<string>) => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (s.name.value === name)
          out.push((s as FieldNode).selectionSet ?? { kind: Kind.SELECTION_SET, selections: [] });
      } else if (s.kind === Kind.INLINE_FRAGMENT) visit(s.selectionSet, seen);
      else if (!seen.has(s.name.value)) {
        const f = info.fragments[s.name.value];
        if (f) visit(f.selectionSet, new Set([...seen, s.name.value]));
      }
    }
  };
  for (const set of sets) visit(set, new Set());
  return out;
}

/**
 * Whether the request selects a field path below the field being resolved, e.g.
 * `selects(info, ['edges', 'node', 'household'])` on a connection, through fragments and inline
 * fragments. Lets a resolver fetch in one statement what its children will ask for. A field
 * under @skip/@include counts as selected: at worst the statement reads a little more.
 */
export function selects(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, path: string[]): boolean {
  let sets = info.fieldNodes.map((f) => f.selectionSet).filter((s): s is SelectionSetNode => s !== undefined);
  for (const name of path) {
    sets = fieldsNamed(sets, name, info);
    if (!sets.length) return false;
  }
  return true;
}

/** The names of every field an operation selects, at any depth, through its fragments. */
const fieldNamesOf = new WeakMap<OperationDefinitionNode, Set<string>>();

/**
 * Whether the operation being executed selects a field with one of these names anywhere (on any
 * type, at any depth, through fragments, under @skip/@include or not): a resolver may leave out
 * what serves only such fields when none is asked for, even for rows other fields reuse. Worked
 * out once per parsed operation.
 */
export function operationSelectsAny(
  info: Pick<GraphQLResolveInfo, 'operation' | 'fragments'>,
  names: readonly string[],
): boolean {
  let all = fieldNamesOf.get(info.operation);
  if (!all) {
    const found = new Set<string>();
    const seen = new Set<string>();
    const visit = (set: SelectionSetNode) => {
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD) {
          found.add(s.name.value);
          if (s.selectionSet) visit(s.selectionSet);
        } else if (s.kind === Kind.INLINE_FRAGMENT) visit(s.selectionSet);
        else if (!seen.has(s.name.value)) {
          seen.add(s.name.value);
          const f = info.fragments[s.name.value];
          if (f) visit(f.selectionSet);
        }
      }
    };
    visit(info.operation.selectionSet);
    all = found;
    fieldNamesOf.set(info.operation, all);
  }
  return names.some((n) => all.has(n));
}
