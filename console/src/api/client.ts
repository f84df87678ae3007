import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { authHeaders } from './auth';

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
  connectionParams: () => {
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

/** A single GraphQL request outside React (start-up checks, sign-in, uploads' follow-ups). */
export async function gql<T = Record<string, unknown>>(
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }> {
  const res = await fetch(GRAPHQL_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authHeaders() },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: T; errors?: { message: string }[] };
}
