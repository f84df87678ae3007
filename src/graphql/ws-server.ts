import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { acceptsDirectSink, DIRECT_SINK } from './shared-subscribe';

/** What every graphql-ws hook receives as `ctx.extra`. */
export interface WsExtra {
  socket: WebSocket;
  request: IncomingMessage;
}

export interface WsServeSettings {
  /** Interval of the server's pings; a socket that does not answer one within it is dropped. */
  keepAliveMs: number;
  /**
   * Bytes a socket may hold unsent before the server closes it (1013, try again later): a client
   * that stops reading must not make the server keep every later event for it in memory. The
   * client reconnects and resumes from the last sequence number it saw.
   */
  maxBufferedBytes: number;
  production: boolean;
}

/** Sockets flushed per turn of the event loop. */
const UNCORK_SLICE = 200;

/** The close code and reason for a client that does not keep up with its events. */
export const SLOW_CONSUMER = { code: 1013, reason: 'Try again later: the client is not reading its events' };

/**
 * graphql-ws on a `ws` server. Like graphql-ws's own `useServer`, but a message is handed to the
 * socket without waiting for its write callback (one promise and callback less per delivery: with
 * thousands of subscribers per event that is the server's main cost besides the write itself), and
 * a socket whose unsent bytes pass `maxBufferedBytes` is closed instead of buffered without end.
 *
 * A subscription shared between identical subscribers (`createSharedSubscribe`) is delivered past
 * graphql-ws's per-subscriber loop: the hub serialises each result once and every subscriber's
 * `next` message is that JSON with its own id around it, written straight to its socket. Per
 * delivery that leaves a string concatenation and the socket write, as in a raw pub/sub relay,
 * instead of a promise, an iterator step, a message validation and a JSON.stringify each.
 */
export function serveGraphqlWs<P extends Record<string, unknown> | undefined>(
  options: ServerOptions<P, WsExtra>,
  wss: WebSocketServer,
  settings: WsServeSettings,
): { dispose(): Promise<void> } {
  /** The TCP socket under each WebSocket, corked while a burst of messages is written to it. */
  const transport = new WeakMap<WebSocket, Duplex>();
  /** Corked sockets, with the bytes each held unsent when it was corked. */
  const corked = new Map<WebSocket, number>();
  let flushing = false;
  /**
   * Uncorks up to UNCORK_SLICE sockets per turn, oldest first, then lets the process's other I/O
   * (a mutation's next statement) in before the next slice: each write wakes a reader, and a
   * thousand of them in one go would hold everything else up for their whole duration.
   */
  const uncorkSome = () => {
    let n = 0;
    for (const s of corked.keys()) {
      if (n++ === UNCORK_SLICE) break;
      corked.delete(s);
      transport.get(s)?.uncork();
    }
    if (corked.size > 0) setImmediate(uncorkSome);
    else flushing = false;
  };
  /**
   * Hands data to the socket, or closes a socket that has stopped reading. Messages written in the
   * same turn of the event loop (events that arrived together from Redis, a backlog being caught
   * up) leave in one system call per socket instead of one each: the socket is corked at its first
   * message and uncorked after the I/O this turn is handling (`uncorkSome`), which waits for
   * nothing that is not already running. The busier the server, the more events share a write, so
   * delivery gets cheaper per event exactly when it has to. What a socket is judged by is what it
   * left unsent before this turn: the messages held back by the cork are not its fault.
   */
  const deliver = (socket: WebSocket, data: string) => {
    if (socket.readyState !== socket.OPEN) return;
    const unsent = corked.get(socket) ?? socket.bufferedAmount;
    if (unsent > settings.maxBufferedBytes) {
      socket.close(SLOW_CONSUMER.code, SLOW_CONSUMER.reason);
      return;
    }
    const t = transport.get(socket);
    if (t && !corked.has(socket)) {
      if (!flushing) {
        flushing = true;
        setImmediate(uncorkSome);
      }
      t.cork();
      corked.set(socket, unsent);
    }
    socket.send(data);
  };
  const server = makeServer<P, WsExtra>({
    ...options,
    onOperation: async (ctx, id, payload, args, result) => {
      const r = (await options.onOperation?.(ctx, id, payload, args, result)) ?? result;
      if (acceptsDirectSink(r)) {
        const head = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
        const socket = ctx.extra.socket;
        r[DIRECT_SINK]((json) => deliver(socket, head + json + '}'));
      }
      return r;
    },
  });
  wss.options.handleProtocols = handleProtocols;
  const internalError = (socket: WebSocket, err: unknown) =>
    socket.close(
      CloseCode.InternalServerError,
      settings.production ? 'Internal server error' : String((err as Error)?.message ?? err).slice(0, 120),
    );
  wss.on('connection', (socket, request) => {
    transport.set(socket, request.socket);
    socket.once('error', (err) => internalError(socket, err));
    let alive = true;
    socket.on('pong', () => (alive = true));
    const ping = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      if (socket.readyState === socket.OPEN) socket.ping();
    }, settings.keepAliveMs);
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) => deliver(socket, data),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (cb) =>
          socket.on('message', (data: Buffer) => {
            cb(data.toString()).catch((err: unknown) => internalError(socket, err));
          }),
      },
      { socket, request },
    );
    socket.once('close', (code, reason) => {
      clearInterval(ping);
      void closed(code, reason.toString());
    });
  });
  return {
    async dispose() {
      for (const client of wss.clients) client.close(1001, 'Going away');
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
