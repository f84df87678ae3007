import type pg from 'pg';
import type { CaseService } from '../cases/case.service';
import type { LedgerService } from '../ledger/ledger.service';
import type { LiveEvents } from './live-events';
import { recordChangedEvents, type GridUpdatedEvent } from './pubsub';

/** Where a fact's person lives. */
const SQL = {
  personAreaOfFacts: `SELECT f.id, p.area_code AS "areaCode" FROM fact f
    JOIN person p ON p.district_code = f.district_code AND p.id = f.person_id WHERE f.id = ANY($1::bigint[])`,
};

/** The live publishing wired to a process's services. */
export interface LivePublishing {
  /** Resolves when every publish started so far has been sent (or reported as failed). */
  settled(): Promise<void>;
}

/**
 * Feeds the live topics after commit: every case step to CASE_UPDATED, every ledger change to
 * GRID_UPDATED with the area it belongs to (a fact by its person's area; a record that moved also
 * names the area it left). A failed publish is reported, never thrown into the write path.
 * Publishing runs after the write has returned; a process closing its services waits for it
 * (`settled`), so the events of a last batch are not lost with the Redis connection.
 */
export function wireLiveEvents(
  live: LiveEvents,
  ledger: LedgerService,
  cases: CaseService,
  pool: pg.Pool,
  log: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): LivePublishing {
  const fail = (err: unknown) => log(`live event not published: ${(err as Error).message}`);
  const inFlight = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    const done = p.catch(fail).finally(() => inFlight.delete(done));
    inFlight.add(done);
  };
  cases.onChange((change) => {
    track(live.publish('CASE_UPDATED', change));
  });
  // a fact's area is its person's; a record that moved also names the area it left (the ledger
  // reports it with the write: no look-up per moved record)
  const publishGrid = async (events: readonly GridUpdatedEvent[]) => {
    let out = events;
    const factIds = events.filter((e) => e.entityType === 'FACT').map((e) => e.id);
    if (factIds.length > 0) {
      const factAreas = new Map<number, string>();
      const { rows } = await pool.query<{ id: number; areaCode: string }>(SQL.personAreaOfFacts, [factIds]);
      for (const r of rows) factAreas.set(r.id, r.areaCode);
      // the batch's events are shared, not changed: a fact's event is copied with its area (each
      // field named: an object spread per event took the slow path, and a roster of facts gives
      // thousands per batch)
      out = events.map((e) =>
        e.entityType === 'FACT' && e.areaCode === null
          ? {
              entityType: e.entityType,
              id: e.id,
              districtCode: e.districtCode,
              areaCode: factAreas.get(e.id) ?? null,
              op: e.op,
              fields: e.fields,
              recordedAt: e.recordedAt,
              previousAreaCode: e.previousAreaCode,
            }
          : e,
      );
    }
    // one script call per slice of events, not one per event (an ingest batch gives thousands)
    await live.publishMany('GRID_UPDATED', out);
  };
  // the batch's events as made once for it (an ingest batch of 5,000 rows gives ~8,500)
  ledger.onCommit((result) => {
    const events = recordChangedEvents(result);
    if (events.length > 0) track(publishGrid(events));
  });
  return {
    async settled() {
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
  };
}
