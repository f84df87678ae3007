import type { FieldNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
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
