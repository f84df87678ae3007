import { LiveEvents } from './live-events';
import { openTestDb } from '../../test/harness';
import { buildPerson, buildTerritory } from '../../test/factories';
import type { GridUpdatedEvent } from './pubsub';

describe('live publishing after commit', () => {
  it("a process closing its services right after a write still publishes that write's events", async () => {
    const db = await openTestDb();
    const prefix = db.services.config.QUEUE_PREFIX!;
    await buildTerritory(db.services);
    const before = await new LiveEvents(process.env.REDIS_URL!, prefix).replay('GRID_UPDATED', 0);
    // the write returns once committed; its GRID_UPDATED events are published after that
    const p = await buildPerson(db.services, { name: '最后一笔' });
    await db.close();

    const reader = new LiveEvents(process.env.REDIS_URL!, prefix);
    try {
      const log = (await reader.replay('GRID_UPDATED', 0)) as { seq: number; payload: GridUpdatedEvent }[];
      expect(log.length).toBeGreaterThan(before.length);
      expect(log.map((e) => [e.payload.entityType, e.payload.id])).toContainEqual(['PERSON', p.id]);
    } finally {
      await reader.close();
    }
  });
});
