import { LiveEvents } from './live-events';
import { openTestDb, type TestDb } from '../../test/harness';
import { buildPerson, buildTerritory, recordFacts, T } from '../../test/factories';
import type { CommitResult, LedgerItem } from '../ledger/ledger.types';
import type { PersonRow } from '../registry/registry.types';
import { recordChangedEvents, type GridUpdatedEvent, type Sequenced } from './pubsub';

/** A staff edit moving a person to another area. */
function move(p: PersonRow, areaCode: string): LedgerItem {
  return {
    source: { districtCode: p.districtCode, kind: 'STAFF_EDIT', actor: 'test', raw: { move: p.id } },
    writes: [
      {
        type: 'PERSON',
        districtCode: p.districtCode,
        id: p.id,
        create: false,
        values: { area_code: areaCode },
      },
    ],
  };
}

/**
 * A process's services on a fresh database with the territory: `write` works with them, then they
 * close (which waits for the live events of the last writes to be published). Returns what `write`
 * returned and the GRID_UPDATED replay log as another process reads it.
 */
async function writeThenReplay<T>(
  write: (s: TestDb['services']) => Promise<T>,
): Promise<{ out: T; log: Sequenced<GridUpdatedEvent>[] }> {
  const db = await openTestDb();
  const prefix = db.services.config.QUEUE_PREFIX!;
  let out: T;
  try {
    await buildTerritory(db.services);
    out = await write(db.services);
  } finally {
    await db.close();
  }
  const reader = new LiveEvents(process.env.REDIS_URL!, prefix);
  try {
    return { out, log: (await reader.replay('GRID_UPDATED', 0)) as Sequenced<GridUpdatedEvent>[] };
  } finally {
    await reader.close();
  }
}

describe('live publishing after commit', () => {
  it("a process closing its services right after a write still publishes that write's events", async () => {
    const { out: p, log } = await writeThenReplay(async (s) => {
      const p = await buildPerson(s, { name: '最后一笔', areaCode: T.gridA1 });
      // a move: its GRID_UPDATED event names the area left; publishing runs after the write has
      // returned
      await s.ledger.record([move(p, T.gridA2)]);
      return p;
    });
    const moves = log.filter((e) => e.payload.id === p.id && e.payload.op === 'UPDATE');
    expect(moves.map((e) => [e.payload.areaCode, e.payload.previousAreaCode])).toEqual([
      [T.gridA2, T.gridA1],
    ]);
  });

  it("a fact's event names its person's area; the batch's own events are left as they were made", async () => {
    const committed: CommitResult[] = [];
    const { out: fact, log } = await writeThenReplay(async (s) => {
      const p = await buildPerson(s, { name: '低保户', areaCode: T.gridB1 });
      s.ledger.onCommit((r) => committed.push(r));
      const [fact] = await recordFacts(s, [
        { personId: p.id, kind: 'MINIMUM_LIVING', departmentCode: 'CIVIL_AFFAIRS', validFrom: '2026-01-01' },
      ]);
      return fact;
    });
    const made = recordChangedEvents(committed.at(-1)!);
    expect(made.map((e) => [e.entityType, e.id, e.areaCode])).toEqual([['FACT', fact, null]]);
    const sent = log.filter((e) => e.payload.entityType === 'FACT' && e.payload.id === fact);
    expect(sent.map((e) => [e.payload.op, e.payload.areaCode])).toEqual([['CREATE', T.gridB1]]);
  });

  it("a batch moving many records names each one's previous area, with no look-up per record", async () => {
    const sent: string[] = [];
    const { out: people, log } = await writeThenReplay(async (s) => {
      const people = [];
      for (let i = 0; i < 20; i++)
        people.push(
          await buildPerson(s, {
            name: `搬家${'甲乙丙丁戊己庚辛壬癸'[i % 10]}${'子丑'[i % 2]}`,
            areaCode: i % 2 ? T.gridA1 : T.gridB1,
          }),
        );
      const query = s.pool.query.bind(s.pool);
      jest.spyOn(s.pool, 'query').mockImplementation(((...args: Parameters<typeof query>) => {
        const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text: string }).text;
        sent.push(text);
        return query(...args);
      }) as typeof query);
      await s.ledger.record(people.map((p) => move(p, T.gridA2)));
      return people;
    });
    expect(sent.filter((t) => t.includes('ledger_change') && !t.startsWith('COPY'))).toEqual([]);
    const moves = new Map(
      log.filter((e) => e.payload.op === 'UPDATE').map((e) => [e.payload.id, e.payload.previousAreaCode]),
    );
    expect(people.map((p) => moves.get(p.id))).toEqual(people.map((_, i) => (i % 2 ? T.gridA1 : T.gridB1)));
  });
});
