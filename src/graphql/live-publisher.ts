import type pg from 'pg';
import type { CaseService } from '../cases/case.service';
import type { LedgerService } from '../ledger/ledger.service';
import type { LiveEvents } from './live-events';
import { recordChangedEvents, type GridUpdatedEvent } from './pubsub';

/** Where a fact's person lives, and where a moved record was before its last move. */
const SQL = {
  personAreaOfFacts: `SELECT f.id, p.area_code AS "areaCode" FROM fact f
    JOIN person p ON p.district_code = f.district_code AND p.id = f.person_id WHERE f.id = ANY($1::bigint[])`,
  previousArea: `SELECT changes -> 'area_code' ->> 0 AS code FROM ledger_change
    WHERE entity_type = $1::entity_type AND entity_id = $2 AND changes ? 'area_code' ORDER BY id DESC LIMIT 1`,
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
  // a fact's area is its person's; a record that moved also names the area it left
  const publishGrid = async (events: ReturnType<typeof recordChangedEvents>) => {
    const factIds = events.filter((e) => e.entityType === 'FACT').map((e) => e.id);
    const factAreas = new Map<number, string>();
    if (factIds.length > 0) {
      const { rows } = await pool.query<{ id: number; areaCode: string }>(SQL.personAreaOfFacts, [factIds]);
      for (const r of rows) factAreas.set(r.id, r.areaCode);
    }
    const out: GridUpdatedEvent[] = [];
    for (const e of events) {
      let previousAreaCode: string | null = null;
      if (e.op === 'UPDATE' && e.fields.includes('area_code')) {
        const { rows } = await pool.query<{ code: string | null }>(SQL.previousArea, [e.entityType, e.id]);
        previousAreaCode = rows[0]?.code ?? null;
      }
      out.push({ ...e, areaCode: e.areaCode ?? factAreas.get(e.id) ?? null, previousAreaCode });
    }
    // one script call per slice of events, not one per event (an ingest batch gives thousands)
    await live.publishMany('GRID_UPDATED', out);
  };
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
