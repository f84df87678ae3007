import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Services } from './app/services';
import { createContext, Context } from './graphql/context';
import { formatError } from './graphql/errors';
import { createSchema } from './graphql/schema';
import { statementCounter } from './db/pool';
import { ingestRouter } from './ingest/ingest.routes';

/** A running API server. */
export interface RunningServer {
  url: string;
  port: number;
  schema: GraphQLSchema;
  close(): Promise<void>;
}

/**
 * Serves the API on /graphql: queries and mutations over HTTP, subscriptions over graphql-ws on the
 * same path. Each response carries `x-sql-count`, the SQL statements the request sent.
 */
export async function startServer(
  services: Services,
  opts: { port: number; host?: string; log?: (line: string) => void },
): Promise<RunningServer> {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const schema = await createSchema(services.events.pubSub);
  await services.areas.ready();
  const app = express();
  const httpServer = http.createServer(app);
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer({ schema, context: () => createContext(services) }, wss);
  const apollo = new ApolloServer<Context>({
    schema,
    formatError: formatError(log),
    introspection: true,
    plugins: [
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
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  const ingestHttp = ingestRouter(services);
  app.use('/ingest', ingestHttp.router);
  const gql = expressMiddleware(apollo, { context: async () => createContext(services) });
  app.use('/graphql', express.json({ limit: '1mb' }), (req, res, next) => {
    const store = { count: 0 };
    const writeHead = res.writeHead.bind(res) as (...a: unknown[]) => http.ServerResponse;
    (res as unknown as { writeHead: (...a: unknown[]) => http.ServerResponse }).writeHead = (
      ...args: unknown[]
    ) => {
      if (!res.headersSent) res.setHeader('x-sql-count', String(store.count));
      return writeHead(...args);
    };
    statementCounter.run(store, () => gql(req, res, next));
  });
  await new Promise<void>((resolve) => httpServer.listen(opts.port, opts.host ?? '0.0.0.0', resolve));
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    url: `http://localhost:${port}/graphql`,
    port,
    schema,
    async close() {
      await apollo.stop();
      await ingestHttp.close();
    },
  };
}
