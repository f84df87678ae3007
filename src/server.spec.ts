import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { openTestDb, TestDb } from '../test/harness';
import { buildTerritory, T } from '../test/factories';
import { RunningServer, startServer } from './server';
import { testLog } from '../test/log-capture';

let db: TestDb;
let server: RunningServer;
let token: string;
beforeAll(async () => {
  db = await openTestDb({ poolSize: 2 }); // few connections, so concurrent requests queue for them
  await buildTerritory(db.services);
  await db.services.auth.createAccount(
    { name: 'center', role: 'COMMAND_CENTER', areaCodes: [T.district] },
    'test',
  );
  token = (await db.services.auth.issueToken('center')).token;
  server = await startServer(db.services, { port: 0, host: '127.0.0.1', log: testLog, sqlCountHeader: true });
});
afterAll(async () => {
  await server.close();
  await db.close();
});

async function post(query: string, variables?: object) {
  const res = await fetch(`http://127.0.0.1:${server.port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, sqlCount: res.headers.get('x-sql-count'), body: (await res.json()) as any };
}

describe('the HTTP and WebSocket server', () => {
  it('serves queries on /graphql and reports the SQL statements in x-sql-count', async () => {
    const r = await post(`{ area(code: "${T.street}") { name children { code } } }`);
    expect(r.status).toBe(200);
    expect(r.body.data.area).toEqual({
      name: '新城街道',
      children: [{ code: T.communityA }, { code: T.communityB }],
    });
    expect(r.sqlCount).toMatch(/^\d+$/);
  });

  it("counts each request's own statements even when requests queue for connections", async () => {
    const q = `{ persons(first: 5) { totalCount edges { node { name area { code } } } } }`;
    const single = Number((await post(q)).sqlCount);
    expect(single).toBeGreaterThan(0);
    // more requests at once than the pool has connections, so queries wait and run from other requests' callbacks
    const counts = await Promise.all(
      Array.from({ length: 40 }, () => post(q).then((r) => Number(r.sqlCount))),
    );
    expect(counts).toEqual(Array.from({ length: 40 }, () => single));
  });

  it('answers a malformed query with a GraphQL error, not a crash', async () => {
    const r = await post(`{ persons(first: 5) { edges { node { nosuchfield } } } }`);
    expect(r.status).toBe(400);
    expect(r.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('pushes a change to a graphql-ws subscriber on the same path after the mutation commits', async () => {
    const client = createClient({
      url: `ws://127.0.0.1:${server.port}/graphql`,
      webSocketImpl: WebSocket,
      lazy: false,
      connectionParams: { authorization: `Bearer ${token}` },
    });
    try {
      const received = new Promise<any>((resolve, reject) => {
        client.subscribe(
          {
            query: `subscription { recordChanged(areaCode: "${T.communityA}", types: ["Person"]) { id type op fields areaCode } }`,
          },
          { next: (v) => resolve(v.data), error: reject, complete: () => undefined },
        );
      });
      // a change in another community must not reach this subscriber; give the subscription time to register
      await new Promise((r) => setTimeout(r, 300));
      await post(
        `mutation { createPerson(input: { name: "马丽", areaCode: "${T.gridB1}" }) { person { id } } }`,
      );
      const created = await post(
        `mutation { createPerson(input: { name: "马超", areaCode: "${T.gridA2}" }) { person { id } } }`,
      );
      const event = await received;
      expect(event.recordChanged).toMatchObject({
        id: created.body.data.createPerson.person.id,
        type: 'Person',
        op: 'CREATE',
        areaCode: T.gridA2,
      });
      expect(event.recordChanged.fields).toContain('name');
    } finally {
      await client.dispose();
    }
  });
});
