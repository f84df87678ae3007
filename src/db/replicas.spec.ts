import { randomBytes } from 'node:crypto';
import { createServices, Services } from '../app/services';
import { openTestDb, TestDb } from '../../test/harness';
import { buildPerson, buildTerritory, T } from '../../test/factories';
import { RunningServer, startServer } from '../server';
import { isPlainRead } from './replicas';
import { graphqlOverHttp, personNamesOverHttp } from '../../test/http-graphql';

/**
 * DATABASE_REPLICA_URLS names a second database with different content, made read-only as a
 * streaming standby is: GraphQL queries answer from it, writes (which it would refuse) go to the
 * primary, and the writer then reads its own writes from the primary.
 */
let primary: TestDb;
let replica: TestDb;
let services: Services;
let server: RunningServer;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  [primary, replica] = await Promise.all([openTestDb(), openTestDb()]);
  await Promise.all([buildTerritory(primary.services), buildTerritory(replica.services)]);
  await buildPerson(primary.services, { name: '主库甲' });
  await buildPerson(replica.services, { name: '副本乙' });
  const replicaDb = new URL(replica.url).pathname.slice(1);
  await replica.services.pool.query(`ALTER DATABASE "${replicaDb}" SET default_transaction_read_only = on`);
  for (const name of ['writer', 'reader']) {
    await primary.services.auth.createAccount(
      { name, role: 'COMMAND_CENTER', areaCodes: [T.district] },
      'test',
    );
    tokens[name] = (await primary.services.auth.issueToken(name)).token;
  }
  services = createServices({
    DATABASE_URL: primary.url,
    DATABASE_REPLICA_URLS: replica.url,
    REDIS_URL: process.env.REDIS_URL!,
    QUEUE_PREFIX: `replica-${randomBytes(4).toString('hex')}`,
    DB_REPLICA_STICKY_SECONDS: 30,
  });
  server = await startServer(services, { port: 0, host: '127.0.0.1', log: () => undefined });
}, 60_000);

afterAll(async () => {
  await server.close();
  await services.close();
  await Promise.all([primary.close(), replica.close()]);
});

async function gql(as: string, query: string, variables: Record<string, unknown> = {}) {
  const body = await graphqlOverHttp(server.port, tokens[as], query, variables);
  expect(body.errors).toBeUndefined();
  return body.data;
}

const names = (as: string) => personNamesOverHttp(server.port, tokens[as]);

const namesIn = async (db: TestDb) =>
  (await db.services.pool.query<{ name: string }>('SELECT name FROM person ORDER BY name')).rows.map(
    (r) => r.name,
  );

describe('read replicas (DATABASE_REPLICA_URLS)', () => {
  it('queries read from the replica; a mutation writes to the primary; its author then reads the primary', async () => {
    expect(await names('reader')).toEqual(['副本乙']);
    expect(await names('writer')).toEqual(['副本乙']);

    // the replica refuses writes (read-only), so this succeeds only on the primary
    const created = await gql(
      'writer',
      `mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { name } } }`,
      { i: { name: '新登记丙', areaCode: T.gridA1, birthDate: '1990-01-02', gender: 'FEMALE' } },
    );
    expect(created.createPerson.person.name).toBe('新登记丙');
    expect(await namesIn(primary)).toEqual(['主库甲', '新登记丙'].sort());
    expect(await namesIn(replica)).toEqual(['副本乙']);

    // read-your-writes: the writer's next queries go to the primary, on any API replica (the mark is in Redis)
    expect(await names('writer')).toEqual(['主库甲', '新登记丙'].sort());
    // everyone else still reads the replica
    expect(await names('reader')).toEqual(['副本乙']);
  });

  it('outside a GraphQL query (workers, the CLI, ingest) every statement goes to the primary', async () => {
    expect(
      (await services.pool.query<{ name: string }>('SELECT name FROM person ORDER BY name')).rows.map(
        (r) => r.name,
      ),
    ).toEqual(['主库甲', '新登记丙'].sort());
  });

  it('only plain reads are sent to a replica', () => {
    expect(isPlainRead('SELECT * FROM person WHERE id = $1')).toBe(true);
    expect(isPlainRead({ text: '  with x AS (SELECT 1) SELECT * FROM x' })).toBe(true);
    expect(isPlainRead('/* persons */ SELECT 1')).toBe(true);
    expect(isPlainRead('SELECT * FROM civic_case WHERE id = $1 FOR UPDATE')).toBe(false);
    expect(
      isPlainRead('WITH ins AS (INSERT INTO audit_log DEFAULT VALUES RETURNING id) SELECT id FROM ins'),
    ).toBe(false);
    expect(isPlainRead("SELECT nextval('person_id_seq')")).toBe(false);
    expect(isPlainRead('SELECT pg_advisory_xact_lock(1)')).toBe(false);
    expect(isPlainRead('INSERT INTO person DEFAULT VALUES')).toBe(false);
    expect(isPlainRead('UPDATE person SET name = $1')).toBe(false);
  });
});
