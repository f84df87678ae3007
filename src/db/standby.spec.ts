import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServices, Services } from '../app/services';
import { buildPerson, buildTerritory, T } from '../../test/factories';
import { startStandbyPair, StandbyPair } from '../../test/pg-standby';
import { RunningServer, startServer } from '../server';
import { graphqlOverHttp, personNamesOverHttp } from '../../test/http-graphql';

/**
 * Read replicas on a real streaming standby (`pg_basebackup -R` of a running primary, WAL
 * streamed): GraphQL queries are answered by the standby, a mutation goes to the primary and
 * reaches the standby by replication, and its author reads the primary meanwhile. Pausing the
 * standby's replay makes the two visibly different, so each answer shows where it came from.
 */
let pair: StandbyPair;
let writerSide: Services;
let services: Services;
let server: RunningServer;
const tokens: Record<string, string> = {};
const DB = 'yibiao';

beforeAll(async () => {
  pair = await startStandbyPair();
  // the schema is created on the primary only, and arrives on the standby by replication
  execFileSync(process.execPath, ['-r', './test/swc-register.js', 'src/cli/main.ts', 'migrate'], {
    env: { ...process.env, DATABASE_URL: pair.primaryUrl(DB) },
    stdio: 'pipe',
    timeout: 120_000,
  });
  const redis = process.env.REDIS_URL!;
  const prefix = `standby-${randomBytes(4).toString('hex')}`;
  writerSide = createServices({ DATABASE_URL: pair.primaryUrl(DB), REDIS_URL: redis, QUEUE_PREFIX: prefix });
  await buildTerritory(writerSide);
  await buildPerson(writerSide, { name: '主库甲' });
  for (const name of ['writer', 'reader']) {
    await writerSide.auth.createAccount({ name, role: 'COMMAND_CENTER', areaCodes: [T.district] }, 'test');
    tokens[name] = (await writerSide.auth.issueToken(name)).token;
  }
  await pair.caughtUp();
  services = createServices({
    DATABASE_URL: pair.primaryUrl(DB),
    DATABASE_REPLICA_URLS: pair.standbyUrl(DB),
    REDIS_URL: redis,
    QUEUE_PREFIX: prefix,
    DB_REPLICA_STICKY_SECONDS: 30,
  });
  server = await startServer(services, { port: 0, host: '127.0.0.1', log: () => undefined });
}, 180_000);

afterAll(async () => {
  await server?.close();
  await services?.close();
  await writerSide?.close();
  await pair?.stop();
});

async function gql(as: string, query: string, variables: Record<string, unknown> = {}) {
  const body = await graphqlOverHttp(server.port, tokens[as], query, variables);
  expect(body.errors).toBeUndefined();
  return body.data;
}

const names = (as: string) => personNamesOverHttp(server.port, tokens[as]);

describe('read replicas on a streaming standby', () => {
  it('the standby is one: in recovery, refusing writes, holding what the primary wrote', async () => {
    expect((await pair.admin('standby', 'SELECT pg_is_in_recovery() AS r')).rows[0].r).toBe(true);
    await expect(pair.admin('standby', 'CREATE TABLE t (x int)')).rejects.toThrow(/read-only transaction/);
    expect(await names('reader')).toEqual(['主库甲']);
  });

  it('queries read the standby, the writer reads the primary until replication has caught up', async () => {
    await pair.admin('standby', 'SELECT pg_wal_replay_pause()');
    try {
      const created = await gql(
        'writer',
        `mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { name } } }`,
        { i: { name: '新登记丙', areaCode: T.gridA1, birthDate: '1990-01-02', gender: 'FEMALE' } },
      );
      expect(created.createPerson.person.name).toBe('新登记丙');
      // the writer sees its own write (its reads go to the primary for a while)
      expect(await names('writer')).toEqual(['主库甲', '新登记丙'].sort());
      // everyone else reads the standby, which has not replayed it yet
      expect(await names('reader')).toEqual(['主库甲']);
    } finally {
      await pair.admin('standby', 'SELECT pg_wal_replay_resume()');
    }
    await pair.caughtUp();
    expect(await names('reader')).toEqual(['主库甲', '新登记丙'].sort());
  });
});
