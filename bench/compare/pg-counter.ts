import net from 'node:net';

/**
 * A loopback TCP relay in front of PostgreSQL that counts the statements its clients send: every
 * simple-protocol Query ('Q') and every extended-protocol Execute ('E') message. Any server under
 * test can be pointed at it, whatever its driver or its own instrumentation, so statements per
 * request are counted the same way for every contender.
 */
export interface StatementCounter {
  /** A connection string like the target's, but through the relay. */
  url: string;
  /** Statements seen so far, over all connections. */
  readonly statements: number;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

/**
 * Counts the typed messages in one direction of a frontend → backend stream. The stream starts
 * with untyped packets (length + code: SSLRequest, GSSENCRequest, then StartupMessage); after the
 * StartupMessage every message is a type byte and a length that counts itself but not the type.
 */
export class FrontendMessageCounter {
  statements = 0;
  private startup = true;
  private pending = Buffer.alloc(0);

  push(chunk: Buffer): void {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      if (this.startup) {
        if (buf.length < 8) break;
        const len = buf.readInt32BE(0);
        if (buf.length < len) break;
        const code = buf.readInt32BE(4);
        buf = buf.subarray(len);
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST && code !== CANCEL_REQUEST) this.startup = false;
        continue;
      }
      if (buf.length < 5) break;
      const type = buf[0];
      const len = buf.readInt32BE(1);
      if (buf.length < 1 + len) break;
      if (type === 0x51 /* Q */ || type === 0x45 /* E */) this.statements++;
      buf = buf.subarray(1 + len);
    }
    this.pending = Buffer.from(buf);
  }
}

/** Starts the relay on a free loopback port in front of the server `databaseUrl` names. */
export async function startStatementCounter(databaseUrl: string): Promise<StatementCounter> {
  const target = new URL(databaseUrl);
  const host = target.hostname;
  const port = Number(target.port || 5432);
  const counters: FrontendMessageCounter[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    const counter = new FrontendMessageCounter();
    counters.push(counter);
    sockets.add(client).add(upstream);
    client.on('data', (b: Buffer) => {
      counter.push(b);
      upstream.write(b);
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address() as net.AddressInfo;
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(addr.port);
  return {
    url: url.toString(),
    get statements() {
      return counters.reduce((n, c) => n + c.statements, 0);
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
