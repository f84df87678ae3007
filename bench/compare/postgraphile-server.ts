/**
 * PostGraphile v5 over the project's database, for the side-by-side read benchmark only (never
 * part of the product). Serves GraphQL on a loopback port and prints `listening <port>`.
 *
 *   node dist/bench/compare/postgraphile-server.js <databaseUrl> [port]
 *
 * Amber preset over schema `public` (relations from the foreign keys), plus one condition,
 * `live` (status <> 'MERGED'), so that the page and its totalCount cover the same persons as the
 * project's `persons` query.
 */
import './with-resolvers';
import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { addPgTableCondition } from 'postgraphile/utils';
import { GraphQLBoolean } from 'postgraphile/graphql';

const [databaseUrl, portArg] = process.argv.slice(2);
if (!databaseUrl) throw new Error('usage: postgraphile-server.js <databaseUrl> [port]');

const LiveCondition = addPgTableCondition(
  { schemaName: 'public', tableName: 'person' },
  'live',
  () => ({ type: GraphQLBoolean, description: 'Only persons not merged into another' }),
  (value, { sql, sqlTableAlias }) => (value === true ? sql`${sqlTableAlias}.status <> 'MERGED'` : null),
);

const preset: GraphileConfig.Preset = {
  extends: [PostGraphileAmberPreset],
  plugins: [LiveCondition],
  pgServices: [
    makePgService({ connectionString: databaseUrl, schemas: ['public'], poolConfig: { max: 10 } }),
  ],
  grafserv: { graphqlPath: '/graphql', graphiql: false, watch: false },
  grafast: { explain: false },
};

async function main() {
  const pgl = postgraphile(preset);
  const serv = pgl.createServ(grafserv);
  const server = createServer();
  await serv.addTo(server);
  server.keepAliveTimeout = 65_000;
  server.listen(Number(portArg ?? 0), '127.0.0.1', () => {
    const a = server.address();
    process.stdout.write(`listening ${typeof a === 'object' && a ? a.port : String(a)}\n`);
  });
  const stop = () => {
    server.close();
    void Promise.resolve(pgl.release()).then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
