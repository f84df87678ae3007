import { setToken } from './auth';
import { gql, isUnauthenticated } from './client';
import { featuresFromSchema, INTROSPECTION, KNOWN_ROOTS, type Features } from './features';

/**
 * Without introspection (production mode), a root field exists exactly when the server does not
 * answer "Cannot query field": a missing argument or a permission error still proves it is there.
 */
async function probe(root: string): Promise<boolean> {
  const [op, field] = root.split('.');
  const keyword = op === 'Query' ? 'query' : op === 'Mutation' ? 'mutation' : 'subscription';
  try {
    const r = await gql(`${keyword} { ${field} { __typename } }`);
    return !(r.errors ?? []).some((e) => e.message.includes(`Cannot query field "${field}"`));
  } catch {
    return false;
  }
}

/** Reads what the server offers: introspection first, probing the known roots when it is off. */
export async function loadFeatures(): Promise<Features> {
  try {
    const r = await gql<{ __schema: Parameters<typeof featuresFromSchema>[0] }>(INTROSPECTION);
    if (r.data?.__schema) return featuresFromSchema(r.data.__schema);
    if (isUnauthenticated(r)) {
      // The session is over and could not be renewed: sign in again.
      setToken(null);
      window.location.assign('/login');
      return new Promise<Features>(() => undefined);
    }
  } catch {
    /* fall through to probing */
  }
  const roots = new Set<string>();
  const present = await Promise.all(KNOWN_ROOTS.map(probe));
  KNOWN_ROOTS.forEach((r, i) => present[i] && roots.add(r));
  return { types: new Map(), inputs: new Map(), roots, introspected: false };
}
