/**
 * The session, kept in localStorage so that a reload stays signed in. Every GraphQL request and the
 * graphql-ws connection_init carry the access token as `Authorization: Bearer <token>`; the
 * refresh token renews it (once) when the server answers UNAUTHENTICATED after it expired.
 */
const KEY = 'yibiao.token';
const REFRESH_KEY = 'yibiao.refresh';

/** The stored access token, or null when nobody signed in. */
export function getToken(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** The stored refresh token, or null. */
export function getRefreshToken(): string | null {
  try {
    return localStorage.getItem(REFRESH_KEY);
  } catch {
    return null;
  }
}

/** Stores (or, with null, forgets) the access token and, when given, the refresh token. */
export function setToken(token: string | null, refreshToken?: string | null): void {
  if (token) localStorage.setItem(KEY, token);
  else localStorage.removeItem(KEY);
  if (refreshToken) localStorage.setItem(REFRESH_KEY, refreshToken);
  else if (refreshToken === null || !token) localStorage.removeItem(REFRESH_KEY);
}

/** The headers every request sends: the bearer token when there is one. */
export function authHeaders(): Record<string, string> {
  const token = getToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}
