import { AppError } from '../errors/app-error';

/** GraphQL type names that can be fetched through node(id:). */
export type NodeType = 'Person' | 'Household' | 'House' | 'Thing' | 'Case' | 'Fact' | 'Area';

/** Relay global id: an opaque base64url of `Type:key`. */
export function toGlobalId(type: NodeType, key: number | string): string {
  return Buffer.from(`${type}:${key}`).toString('base64url');
}

/** Splits a global id; anything malformed is the caller's error. */
export function fromGlobalId(id: string, field = 'id'): { type: NodeType; key: string } {
  const text = Buffer.from(id, 'base64url').toString();
  const m = /^(Person|Household|House|Thing|Case|Fact|Area):([0-9]+)$/.exec(text);
  if (!m) throw new AppError('GLOBAL_ID_INVALID', `${field} is not an id this API returned`, field);
  return { type: m[1] as NodeType, key: m[2] };
}

/** The numeric key of a global id of the expected type. */
export function idOf(id: string, type: NodeType, field = 'id'): number {
  const g = fromGlobalId(id, field);
  if (g.type !== type)
    throw new AppError('GLOBAL_ID_INVALID', `${field} is the id of a ${g.type}, not of a ${type}`, field);
  return Number(g.key);
}
