import { LiveEvents } from './live-events';
import { openTestDb } from '../../test/harness';
import { buildPerson, buildTerritory, recordFacts, T } from '../../test/factories';
import type { LedgerItem } from '../ledger/ledger.types';
import type { PersonRow } from '../registry/registry.types';
import type { CommitResult } from '../ledger/ledger.types';
import { recordChangedEvents, type GridUpdatedEvent } from './pubsub';

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

describe('live publishing after commit', () => {
  it("a process closing its services right after a write still publishes that write's events", async () => {
    const db = await openTestDb();
    const prefix = db.services.config.QUEUE_PREFIX!;
    let reader: LiveEvents | undefined;
    try {
      await buildTerritory(db.services);
      const p = await buildPerson(db.services, { name: '最后一笔', areaCode: T.gridA1 });
      // a move: its GRID_UPDATED event names the area left; publishing runs after the write has
      // returned
      await db.services.ledger.record([move(p, T.gridA2)]);
      await db.close();

      reader = new LiveEvents(process.env.REDIS_URL!, prefix);
      const log = (await reader.replay('GRID_UPDATED', 0)) as { seq: number; payload: GridUpdatedEvent }[];
      const moves = log.filter((e) => e.payload.id === p.id && e.payload.op === 'UPDATE');
      expect(moves.map((e) => [e.payload.areaCode, e.payload.previousAreaCode])).toEqual([
        [T.gridA2, T.gridA1],
      ]);
    } finally {
      await reader?.close();
    }
  });

  it("a fact's event names its person's area; the batch's own events are left as they were made", async () => {
    const db = await openTestDb();
    const prefix = db.services.config.QUEUE_PREFIX!;
    let reader: LiveEvents | undefined;
    let closed = false;
    try {
      await buildTerritory(db.services);
      const p = await buildPerson(db.services, { name: '低保户', areaCode: T.gridB1 });
      const committed: CommitResult[] = [];
      db.services.ledger.onCommit((r) => committed.push(r));
      const [fact] = await recordFacts(db.services, [
        { personId: p.id, kind: 'MINIMUM_LIVING', departmentCode: 'CIVIL_AFFAIRS', validFrom: '2026-01-01' },
      ]);
      await db.close(); // waits for the batch's events to be published
      closed = true;
      const made = recordChangedEvents(committed.at(-1)!);
      expect(made.map((e) => [e.entityType, e.id, e.areaCode])).toEqual([['FACT', fact, null]]);

      reader = new LiveEvents(process.env.REDIS_URL!, prefix);
      const log = (await reader.replay('GRID_UPDATED', 0)) as { seq: number; payload: GridUpdatedEvent }[];
      const sent = log.filter((e) => e.payload.entityType === 'FACT' && e.payload.id === fact);
      expect(sent.map((e) => [e.payload.op, e.payload.areaCode])).toEqual([['CREATE', T.gridB1]]);
    } finally {
      if (!closed) await db.close();
      await reader?.close();
    }
  });

  it("a batch moving many records names each one's previous area, with no look-up per record", async () => {
    const db = await openTestDb();
    const prefix = db.services.config.QUEUE_PREFIX!;
    let reader: LiveEvents | undefined;
    let closed = false;
    try {
      await buildTerritory(db.services);
      const people = [];
      for (let i = 0; i < 20; i++)
        people.push(
          await buildPerson(db.services, {
            name: `搬家${'甲乙丙丁戊己庚辛壬癸'[i % 10]}${'子丑'[i % 2]}`,
            areaCode: i % 2 ? T.gridA1 : T.gridB1,
          }),
        );
      const sent: string[] = [];
      const query = db.services.pool.query.bind(db.services.pool);
      jest.spyOn(db.services.pool, 'query').mockImplementation(((...args: Parameters<typeof query>) => {
        const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text: string }).text;
        sent.push(text);
        return query(...args);
      }) as typeof query);
      await db.services.ledger.record(people.map((p) => move(p, T.gridA2)));
      await db.close();
      closed = true;
      expect(sent.filter((t) => t.includes('ledger_change') && !t.startsWith('COPY'))).toEqual([]);

      reader = new LiveEvents(process.env.REDIS_URL!, prefix);
      const log = (await reader.replay('GRID_UPDATED', 0)) as { seq: number; payload: GridUpdatedEvent }[];
      const moves = new Map(
        log.filter((e) => e.payload.op === 'UPDATE').map((e) => [e.payload.id, e.payload.previousAreaCode]),
      );
      expect(people.map((p) => moves.get(p.id))).toEqual(people.map((_, i) => (i % 2 ? T.gridA1 : T.gridB1)));
    } finally {
      if (!closed) await db.close();
      await reader?.close();
    }
  });
});
