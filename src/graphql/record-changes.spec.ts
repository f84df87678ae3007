import { parse, subscribe } from 'graphql';
import { Redis } from 'ioredis';
import { broadTestViewer, openTestDb, TestDb } from '../../test/harness';
import { buildTerritory, T } from '../../test/factories';
import type { CommitResult, LedgerItem } from '../ledger/ledger.types';
import { createContext } from './context';
import { recordChangedEvents } from './pubsub';
import { createSchema } from './schema';

let db: TestDb;
let raw: Redis;
const messages: string[] = [];
const elsewhere: string[] = [];

beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
  // a plain Redis subscriber on the topic's channel: what the writer sends, message by message
  raw = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const live = db.services.live.channelOf('GRID_UPDATED');
  raw.on('message', (_channel: string, message: string) => messages.push(message));
  // and every other channel of the app's prefix: a batch is published once, on the live topic
  raw.on('pmessage', (_pattern: string, channel: string) => {
    if (channel !== live) elsewhere.push(channel);
  });
  await raw.subscribe(live);
  await raw.psubscribe(`${db.services.config.QUEUE_PREFIX}:*`);
}, 60_000);
afterAll(async () => {
  raw?.disconnect();
  await db?.close();
});

/** Three new records in one batch: two persons in grids of community A, a house in community B's grid. */
async function commitThree(): Promise<number[]> {
  const s = db.services;
  const persons = await s.ledger.allocateIds(s.pool, 'PERSON', 2);
  const [house] = await s.ledger.allocateIds(s.pool, 'HOUSE', 1);
  const source = { districtCode: T.district, kind: 'STAFF_EDIT' as const, actor: 'test', raw: {} };
  const items: LedgerItem[] = [
    ...persons.map((id, i) => ({
      source,
      writes: [
        {
          type: 'PERSON' as const,
          districtCode: T.district,
          id,
          create: true,
          values: { name: `批量${i}`, status: 'ACTIVE', area_code: i === 0 ? T.gridA1 : T.gridA2 },
        },
      ],
    })),
    {
      source,
      writes: [
        {
          type: 'HOUSE',
          districtCode: T.district,
          id: house,
          create: true,
          values: { address: '文昌路1号', use: 'RESIDENTIAL', area_code: T.gridB1 },
        },
      ],
    },
  ];
  await s.ledger.record(items);
  return persons;
}

describe('record changes travel as one message per committed batch', () => {
  it('a batch of three records is one Redis message; a subscriber still gets the ones it asked for, one by one', async () => {
    const schema = await createSchema(db.services.events.pubSub);
    const results = (await subscribe({
      schema,
      document: parse(
        `subscription { recordChanged(areaCode: "${T.communityA}", types: ["Person"]) { id type op areaCode } }`,
      ),
      contextValue: createContext(db.services, broadTestViewer()),
    })) as AsyncIterableIterator<{ data?: any; errors?: unknown }>;
    const firstTwo = (async () => [(await results.next()).value, (await results.next()).value])();
    await new Promise((r) => setTimeout(r, 300)); // the subscription registers with Redis

    messages.length = 0;
    elsewhere.length = 0;
    const persons = await commitThree();
    const [a, b] = await firstTwo;
    await results.return?.();

    // one message on the one live topic that carries ledger changes: "first+count|[events]"
    expect(messages).toHaveLength(1);
    expect(elsewhere).toEqual([]);
    const bar = messages[0].indexOf('|');
    expect(messages[0].slice(0, bar)).toMatch(/^\d+\+3$/);
    const batch = JSON.parse(messages[0].slice(bar + 1)) as { entityType: string; id: number; op: string }[];
    expect(batch.map((e) => [e.entityType, e.op])).toEqual([
      ['PERSON', 'CREATE'],
      ['PERSON', 'CREATE'],
      ['HOUSE', 'CREATE'],
    ]);
    // the house (another community, another type) was filtered out; the persons came in order
    expect(a.errors).toBeUndefined();
    expect([a.data.recordChanged, b.data.recordChanged]).toEqual([
      { id: expect.any(String), type: 'Person', op: 'CREATE', areaCode: T.gridA1 },
      { id: expect.any(String), type: 'Person', op: 'CREATE', areaCode: T.gridA2 },
    ]);
    expect(batch.filter((e) => e.entityType === 'PERSON').map((e) => e.id)).toEqual(persons);
  });

  it('a subscriber that names types listens for those types only: other events are not queued for it', async () => {
    const schema = await createSchema(db.services.events.pubSub);
    const listen = jest.spyOn(db.services.live, 'subscribe');
    try {
      const results = (await subscribe({
        schema,
        document: parse(`subscription { recordChanged(types: ["House"]) { id type } }`),
        contextValue: createContext(db.services, broadTestViewer()),
      })) as AsyncIterableIterator<unknown>;
      const filter = listen.mock.calls.at(-1)?.[1]?.filter;
      await results.return?.();
      const event = (entityType: string) => ({
        entityType,
        id: 1,
        districtCode: T.district,
        areaCode: T.gridA1,
        op: 'CREATE' as const,
        fields: ['name'],
        recordedAt: new Date().toISOString(),
        previousAreaCode: null,
      });
      expect(filter?.(event('HOUSE'))).toBe(true);
      expect(filter?.(event('PERSON'))).toBe(false);
    } finally {
      listen.mockRestore();
    }
  });

  it("the live topic publishes the batch's events as made once for it, not copies of them", async () => {
    const publish = jest.spyOn(db.services.live, 'publishMany');
    const committed: CommitResult[] = [];
    db.services.ledger.onCommit((r) => committed.push(r));
    try {
      await commitThree(); // the publisher hands a batch without facts to Redis at once
      const made = recordChangedEvents(committed.at(-1)!);
      const sent = publish.mock.calls.at(-1)![1];
      expect(sent).toHaveLength(3);
      sent.forEach((e, i) => expect(e).toBe(made[i]));
      expect(made.map((e) => e.previousAreaCode)).toEqual([null, null, null]);
    } finally {
      publish.mockRestore();
    }
  });

  it('the events of a batch are made once for every listener of the commit', () => {
    const result = {
      results: [
        {
          type: 'PERSON' as const,
          districtCode: T.district,
          id: 1,
          areaCode: T.gridA1,
          created: true,
          changedFields: ['name'],
          conflicts: 0,
          sourceRecordId: 1,
        },
      ],
      sourceRecordIds: [1],
      recordedAt: new Date(),
    };
    const first = recordChangedEvents(result);
    expect(first).toHaveLength(1);
    expect(recordChangedEvents(result)).toBe(first);
  });
});
