import { LiveEvents } from './live-events';
import { openTestDb } from '../../test/harness';
import { buildPerson, buildTerritory, T } from '../../test/factories';
import type { GridUpdatedEvent } from './pubsub';

describe('live publishing after commit', () => {
  it("a process closing its services right after a write still publishes that write's events", async () => {
    const db = await openTestDb();
    const prefix = db.services.config.QUEUE_PREFIX!;
    let reader: LiveEvents | undefined;
    try {
      await buildTerritory(db.services);
      const p = await buildPerson(db.services, { name: '最后一笔', areaCode: T.gridA1 });
      // a move: its GRID_UPDATED event names the area left, which is looked up after the commit,
      // so the event is published a round trip after the write has returned
      await db.services.ledger.record([
        {
          source: { districtCode: p.districtCode, kind: 'STAFF_EDIT', actor: 'test', raw: { move: p.id } },
          writes: [
            {
              type: 'PERSON',
              districtCode: p.districtCode,
              id: p.id,
              create: false,
              values: { area_code: T.gridA2 },
            },
          ],
        },
      ]);
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
});
