import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { authHeaders, getRefreshToken, getToken, setToken } from './auth';
import { REFRESH_SESSION } from './queries';

/** Where the API lives: the same origin that served the console. */
export const GRAPHQL_PATH = '/graphql';

/** State of the live connection, shown in the header so that a wall screen tells when it is stale. */
export type LiveState = 'connecting' | 'connected' | 'reconnecting';

type Listener = (s: LiveState) => void;
const listeners = new Set<Listener>();
let liveState: LiveState = 'connecting';
let everConnected = false;
const reconnectListeners = new Set<() => void>();

function setLive(s: LiveState) {
  liveState = s;
  listeners.forEach((l) => l(s));
}

/** Subscribes to changes of the live connection state; returns the unsubscribe function. */
export function onLiveState(l: Listener): () => void {
  listeners.add(l);
  l(liveState);
  return () => listeners.delete(l);
}

/** Calls `l` every time the socket comes back after a drop, so pages can catch up on what they missed. */
export function onReconnected(l: () => void): () => void {
  reconnectListeners.add(l);
  return () => reconnectListeners.delete(l);
}

/** Whether the stored access token expires within half a minute (read from its JWT payload). */
function tokenExpiresSoon(): boolean {
  const t = getToken();
  if (!t) return false;
  try {
    const payload = JSON.parse(atob(t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as {
      exp?: number;
    };
    return typeof payload.exp === 'number' && payload.exp * 1000 < Date.now() + 30000;
  } catch {
    return false;
  }
}

function wsUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}${GRAPHQL_PATH}`;
}

/**
 * The graphql-ws client: reconnects for ever with back-off (a wall screen must survive a server
 * restart), and sends the token in connection_init, which is where the server checks it.
 */
export const wsClient: WsClient = createWsClient({
  url: wsUrl(),
  lazy: false,
  retryAttempts: Infinity,
  shouldRetry: () => true,
  retryWait: async (retries) => {
    await new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** retries, 10000) + Math.random() * 300));
  },
  connectionParams: async () => {
    // The server closes the socket when the token it was opened with expires: renew before reconnecting.
    if (tokenExpiresSoon()) await refreshSession();
    const h = authHeaders();
    return h.Authorization ? { Authorization: h.Authorization, authorization: h.Authorization } : {};
  },
  on: {
    connecting: () => setLive(everConnected ? 'reconnecting' : 'connecting'),
    connected: () => {
      const again = everConnected;
      everConnected = true;
      setLive('connected');
      if (again) reconnectListeners.forEach((l) => l());
    },
    closed: () => setLive(everConnected ? 'reconnecting' : 'connecting'),
  },
});

/** The urql client: queries and mutations over HTTP POST, subscriptions over graphql-ws. */
export const client = new Client({
  url: GRAPHQL_PATH,
  requestPolicy: 'cache-and-network',
  exchanges: [
    cacheExchange,
    fetchExchange,
    subscriptionExchange({
      forwardSubscription(request) {
        const input = { ...request, query: request.query || '' };
        return {
          subscribe(sink) {
            const unsubscribe = wsClient.subscribe(input, sink);
            return { unsubscribe };
          },
        };
      },
    }),
  ],
  fetchOptions: () => ({ headers: authHeaders() }),
});

type GqlAnswer<T> = {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
};

async function post<T>(query: string, variables?: Record<string, unknown>): Promise<GqlAnswer<T>> {
  const res = await fetch(GRAPHQL_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authHeaders() },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GqlAnswer<T>;
}

let refreshing: Promise<boolean> | null = null;

/**
 * Renews the session with the stored refresh token (used up by the exchange). Concurrent callers
 * share one exchange, since a second use of the same refresh token would revoke the family.
 */
export function refreshSession(): Promise<boolean> {
  const t = getRefreshToken();
  if (!t) return Promise.resolve(false);
  refreshing ??= post<{ refreshSession: { accessToken: string; refreshToken: string } }>(REFRESH_SESSION, {
    t,
  })
    .then((r) => {
      const s = r.data?.refreshSession;
      if (!s) {
        setToken(null);
        return false;
      }
      setToken(s.accessToken, s.refreshToken);
      return true;
    })
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

/** Whether the answer says the credentials were missing, wrong or expired. */
export function isUnauthenticated(r: GqlAnswer<unknown>): boolean {
  return (r.errors ?? []).some((e) => e.extensions?.code === 'UNAUTHENTICATED');
}

/**
 * A single GraphQL request outside React (start-up checks, sign-in, pages' own documents). An
 * expired access token is renewed once with the refresh token and the request sent again.
 */
export async function gql<T = Record<string, unknown>>(
  query: string,
  variables?: Record<string, unknown>,
): Promise<GqlAnswer<T>> {
  const r = await post<T>(query, variables);
  if (isUnauthenticated(r) && getRefreshToken() && (await refreshSession())) return post<T>(query, variables);
  return r;
}
