import http from 'node:http';
import net from 'node:net';

/** Where the proxy sent each request or WebSocket upgrade, in order. */
export interface ProxyHit {
  kind: 'http' | 'ws';
  method: string;
  path: string;
  backend: number;
}

export interface RoundRobinProxy {
  port: number;
  hits: ProxyHit[];
  close(): Promise<void>;
}

/**
 * A minimal round-robin reverse proxy for HTTP and WebSocket upgrades, standing in for the load
 * balancer (nginx, HAProxy, a cloud LB) in front of stateless API replicas: each request and each
 * upgrade goes to the next backend in turn, with no stickiness.
 */
export async function startRoundRobinProxy(backends: number[]): Promise<RoundRobinProxy> {
  let next = 0;
  const hits: ProxyHit[] = [];
  const tunnels = new Set<net.Socket>();
  const pick = (kind: ProxyHit['kind'], req: http.IncomingMessage) => {
    const backend = backends[next++ % backends.length];
    hits.push({ kind, method: req.method ?? 'GET', path: req.url ?? '/', backend });
    return backend;
  };
  const server = http.createServer((req, res) => {
    const port = pick('http', req);
    const upstream = http.request(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const port = pick('ws', req);
    tunnels.add(socket);
    const upstream = net.connect(port, '127.0.0.1', () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    tunnels.add(upstream);
    const end = () => {
      tunnels.delete(socket);
      tunnels.delete(upstream);
      socket.destroy();
      upstream.destroy();
    };
    upstream.on('error', end);
    socket.on('error', end);
    upstream.on('close', end);
    socket.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of tunnels) t.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
