/**
 * The access token, kept in localStorage so that a reload stays signed in. Every GraphQL request
 * and the graphql-ws connection_init carry it as `Authorization: Bearer <token>` when it is set.
 */
const KEY = 'yibiao.token';

/** The stored access token, or null when nobody signed in. */
export function getToken(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** Stores (or, with null, forgets) the access token. */
export function setToken(token: string | null): void {
  if (token) localStorage.setItem(KEY, token);
  else localStorage.removeItem(KEY);
}

/** The headers every request sends: the bearer token when there is one. */
export function authHeaders(): Record<string, string> {
  const token = getToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}
