import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { getOperationAST, GraphQLError, parse, validate } from 'graphql';
import { createRedis, redisTargetOf } from './config/redis';
import { WebSocketServer } from 'ws';
import { replicaUrls, type Services } from './app/services';
import type { Viewer } from './auth/viewer';
import { withDefaults } from './config/config';
import { AppError } from './errors/app-error';
import { createContext, Context } from './graphql/context';
import { formatError } from './graphql/errors';
import { authenticate, credentialsOf } from './graphql/http-auth';
import { checkLimits } from './graphql/limits';
import { takeToken } from './graphql/rate-limit';
import { createSchema } from './graphql/schema';
import { limitsOf, securityPlugin } from './graphql/security.plugin';
import { expireScope, SqlScope, statementCounter } from './db/pool';
import { onReplica } from './db/replicas';
import { reportFileHandler } from './reports/report.download';
import { consoleMiddleware } from './web/console.middleware';
import { mountCaseRoutes } from './cases/case.http';
import { createSharedSubscribe } from './graphql/shared-subscribe';
import { serveGraphqlWs } from './graphql/ws-server';
import { ingestRouter } from './ingest/ingest.routes';

/** A running API server. */
export interface RunningServer {
  url: string;
  port: number;
  schema: GraphQLSchema;
  close(): Promise<void>;
}

function jsonError(res: express.Response, status: number, code: string, message: string, reason?: string) {
  res.status(status).json({ errors: [{ message, extensions: { code, ...(reason ? { reason } : {}) } }] });
}

/**
 * Serves the API on /graphql: queries and mutations over HTTP, subscriptions over graphql-ws on the
 * same path. With `sqlCountHeader`, each response carries `x-sql-count`, the SQL statements the
 * request sent (it costs some CPU per request, so production leaves it off by default).
 *
 * Before anything executes: the body size, the caller's credentials (Bearer token or x-api-key;
 * invalid ones are refused with 401), the per-key rate limit (Redis), then in Apollo the token
 * count at parse time and depth, aliases, operations and cost (security.plugin.ts).
 */
export async function startServer(
  services: Services,
  opts: { port: number; host?: string; log?: (line: string) => void; sqlCountHeader?: boolean },
): Promise<RunningServer> {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const c = withDefaults(services.config);
  const production = c.NODE_ENV === 'production';
  const limits = limitsOf(c);
  const schema = await createSchema(services.events.pubSub);
  await services.areas.ready();
  const redis = createRedis(redisTargetOf(c), { maxRetriesPerRequest: 2, lazyConnect: false });
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsViewers = new WeakMap<object, Viewer>();
  const wsCleanup = serveGraphqlWs<Record<string, unknown>>(
    {
      schema,
      connectionInitWaitTimeout: c.WS_INIT_TIMEOUT_MS,
      // connection_init must carry a token or key; graphql-ws closes with 4403 when this is false
      onConnect: async (ctx) => {
        const p = ctx.connectionParams ?? {};
        try {
          const viewer = await authenticate(services, {
            authorization: p.authorization ?? p.Authorization,
            apiKey: p['x-api-key'] ?? p.apiKey,
          });
          if (!viewer) return false;
          wsViewers.set(ctx.extra.socket as object, viewer);
          // a socket lives no longer than the credentials it was opened with
          if (viewer.expiresAt) {
            const ws = ctx.extra.socket as {
              close(code: number, reason: string): void;
              once(e: string, f: () => void): void;
            };
            const timer = setTimeout(
              () => ws.close(4403, 'Forbidden: credentials expired'),
              Math.max(0, Math.min(viewer.expiresAt.getTime() - Date.now(), 2 ** 31 - 1)),
            );
            ws.once('close', () => clearTimeout(timer));
          }
          return true;
        } catch {
          return false;
        }
      },
      // the same limits as HTTP, checked before the subscription starts
      onSubscribe: (_ctx, _id, payload) => {
        try {
          const doc = parse(payload.query, { maxTokens: c.LIMIT_TOKENS });
          const errors = validate(schema, doc);
          if (errors.length) return errors;
          const op = getOperationAST(doc, payload.operationName);
          if (!op) return [new GraphQLError('the document holds no such operation')];
          checkLimits(schema, doc, op, payload.variables ?? undefined, limits);
        } catch (e) {
          if (e instanceof GraphQLError) return [e];
          throw e;
        }
        return undefined;
      },
      subscribe: createSharedSubscribe(),
      context: (ctx) =>
        createContext(services, wsViewers.get(ctx.extra.socket as object) ?? null, undefined, Infinity),
    },
    wss,
    { keepAliveMs: c.WS_KEEPALIVE_MS, maxBufferedBytes: c.WS_MAX_BUFFERED_BYTES, production },
  );
  const apollo = new ApolloServer<Context>({
    schema,
    formatError: formatError(log),
    introspection: !production,
    hideSchemaDetailsFromClientErrors: production,
    includeStacktraceInErrorResponses: false,
    parseOptions: { maxTokens: c.LIMIT_TOKENS },
    plugins: [
      // No field sets cache hints, and the default cache-control plugin wraps every field resolver
      // to compute them: about a tenth of the server's CPU on a persons page (bench/RESULTS.md).
      ApolloServerPluginCacheControlDisabled(),
      securityPlugin(limits),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();
  const origins = c.CORS_ORIGINS.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  app.use((req, res, next) => {
    const origin = req.headers.origin;
    if (origin && (origins.includes(origin) || origins.includes('*'))) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'origin');
      res.setHeader('access-control-allow-headers', 'authorization, content-type, x-api-key');
      res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
      res.setHeader('access-control-max-age', '600');
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  mountCaseRoutes(app, services);
  app.get('/reports/:id/file', reportFileHandler(services));
  const ingestHttp = ingestRouter(services);
  app.use('/ingest', ingestHttp.router);
  const gql = expressMiddleware(apollo, {
    context: async ({ req }) => {
      const r = req as unknown as { viewer?: Viewer | null; requestId?: string };
      return createContext(services, r.viewer ?? null, r.requestId);
    },
  });
  let seq = 0;
  // With read replicas, a query reads from one unless its caller wrote within the last
  // DB_REPLICA_STICKY_SECONDS (on any replica of the API: the mark is in Redis); a mutation reads
  // and writes on the primary and sets the mark, so the caller then reads its own writes.
  const replicas = replicaUrls(services.config).length > 0;
  const readsFromReplica = async (req: express.Request, caller: string): Promise<boolean> => {
    const query =
      req.method === 'GET' ? req.query.query : (req.body as { query?: unknown } | undefined)?.query;
    const mark = `${c.QUEUE_PREFIX}:wrote:${caller}`;
    if (typeof query !== 'string' || /\bmutation\b/.test(query)) {
      if (c.DB_REPLICA_STICKY_SECONDS > 0) await redis.set(mark, '1', 'EX', c.DB_REPLICA_STICKY_SECONDS);
      return false;
    }
    return c.DB_REPLICA_STICKY_SECONDS === 0 || (await redis.exists(mark)) === 0;
  };
  app.use(
    '/graphql',
    (req, res, next) => {
      // the access log: request id, caller, operation name, status, statements and time; never
      // the query text or its variables, which may hold personal data
      const started = Date.now();
      const requestId = `${process.pid}-${Date.now().toString(36)}-${++seq}`;
      (req as unknown as { requestId: string }).requestId = requestId;
      res.setHeader('x-request-id', requestId);
      res.on('finish', () => {
        const r = req as unknown as { viewer?: Viewer | null; body?: { operationName?: unknown } };
        const op = typeof r.body?.operationName === 'string' ? r.body.operationName.slice(0, 64) : '-';
        log(
          `${requestId} ${r.viewer?.id ?? 'anonymous'} ${req.method} op=${op} ${res.statusCode} sql=${res.getHeader('x-sql-count') ?? '-'} ${Date.now() - started}ms`,
        );
      });
      // the request's SQL scope: counts its statements and tracks the connections running them,
      // so that its execution timeout can cancel them (see the timeout step below)
      const scope: SqlScope = { count: 0, active: new Map() };
      (req as unknown as { sqlScope: SqlScope }).sqlScope = scope;
      if (opts.sqlCountHeader !== false) {
        const writeHead = res.writeHead.bind(res) as (...a: unknown[]) => http.ServerResponse;
        (res as unknown as { writeHead: (...a: unknown[]) => http.ServerResponse }).writeHead = (
          ...args: unknown[]
        ) => {
          if (!res.headersSent) res.setHeader('x-sql-count', String(scope.count));
          return writeHead(...args);
        };
      }
      statementCounter.run(scope, () => next());
    },
    express.json({ limit: c.MAX_BODY_BYTES }),
    async (req, res, next) => {
      try {
        const viewer = await authenticate(services, credentialsOf(req));
        (req as unknown as { viewer?: Viewer | null }).viewer = viewer;
        const key = viewer ? viewer.id : `ip:${req.socket.remoteAddress ?? '?'}`;
        const { allowed, retryAfter } = await takeToken(redis, c.QUEUE_PREFIX, key, c.RATE_LIMIT_PER_MINUTE);
        if (!allowed) {
          res.setHeader('retry-after', String(retryAfter));
          jsonError(res, 429, 'RATE_LIMITED', `at most ${c.RATE_LIMIT_PER_MINUTE} requests a minute`);
          return;
        }
        if (replicas) (req as unknown as { replica?: boolean }).replica = await readsFromReplica(req, key);
        next();
      } catch (e) {
        if (e instanceof AppError) {
          res.setHeader('www-authenticate', 'Bearer');
          jsonError(res, 401, e.code, e.message, e.reason);
          return;
        }
        next(e);
      }
    },
    (req, res, next) => {
      // an execution timeout: the answer is an error after EXECUTION_TIMEOUT_MS; the statements
      // the request is running are cancelled in PostgreSQL, it sends no further one, and the
      // resolvers still running stop at their next field (see the deadline middleware)
      const scope = (req as unknown as { sqlScope: SqlScope }).sqlScope;
      const timer = setTimeout(() => {
        expireScope(scope);
        if (!res.headersSent) jsonError(res, 503, 'EXECUTION_TIMEOUT', 'the request took too long');
      }, c.EXECUTION_TIMEOUT_MS);
      res.on('close', () => clearTimeout(timer));
      const run = () =>
        Promise.resolve(gql(req, res, next)).catch((e: unknown) => {
          // the late result of a request already answered with EXECUTION_TIMEOUT has nowhere to go
          if (res.headersSent) return;
          next(e);
        });
      if ((req as unknown as { replica?: boolean }).replica) void onReplica(run);
      else void run();
    },
  );
  app.use((err: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    const e = err as { type?: string; status?: number };
    if (e?.type === 'entity.too.large') {
      jsonError(
        res,
        413,
        'BAD_USER_INPUT',
        `the request body exceeds ${c.MAX_BODY_BYTES} bytes`,
        'BODY_TOO_LARGE',
      );
      return;
    }
    if (e?.type === 'entity.parse.failed') {
      jsonError(res, 400, 'BAD_USER_INPUT', 'the request body is not valid JSON', 'BODY_INVALID');
      return;
    }
    next(err);
  });
  const web = consoleMiddleware(); // the web console at /, after every API route
  if (web) app.use(web);
  await new Promise<void>((resolve) => httpServer.listen(opts.port, opts.host ?? '0.0.0.0', resolve));
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    url: `http://localhost:${port}/graphql`,
    port,
    schema,
    async close() {
      await apollo.stop();
      await redis.quit().catch(() => undefined);
      await ingestHttp.close();
    },
  };
}
