import { ApolloServer } from '@apollo/server';
import { broadTestViewer, openTestDb, TestDb } from '../../test/harness';
import { buildTerritory, buildPerson, T } from '../../test/factories';
import { statementCounter } from '../db/pool';
import { createContext, Context } from './context';
import { createSchema } from './schema';

let db: TestDb;
let apollo: ApolloServer<Context>;
beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
  await buildPerson(db.services, { areaCode: T.gridA1 });
  apollo = new ApolloServer<Context>({ schema: await createSchema() });
  await apollo.start();
});
afterAll(async () => {
  await apollo.stop();
  await db.close();
});

async function run(timeoutMs: number) {
  const store = { count: 0 };
  const res = await statementCounter.run(store, () =>
    apollo.executeOperation(
      { query: '{ persons { totalCount edges { node { name } } } }' },
      { contextValue: createContext(db.services, broadTestViewer(), undefined, timeoutMs) },
    ),
  );
  if (res.body.kind !== 'single') throw new Error('unexpected incremental result');
  return { result: res.body.singleResult, sql: store.count };
}

describe('the execution timeout', () => {
  it('stops a request past its deadline at the next field, sending no further SQL', async () => {
    const late = await run(-1);
    expect(late.result.errors?.[0].extensions?.code).toBe('EXECUTION_TIMEOUT');
    expect(late.sql).toBe(0);
    const inTime = await run(60_000);
    expect(inTime.result.errors).toBeUndefined();
    expect(inTime.sql).toBeGreaterThan(0);
  });
});
