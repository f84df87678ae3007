import type pg from 'pg';
import { withTransaction } from '../db/pool';
import { areaInScope } from '../auth/scope';
import { AppError } from '../errors/app-error';
import type { AreaService } from '../geo/area.service';
import type { Actor } from '../registry/person.service';
import { ENTITIES } from './entities';
import type { LedgerService } from './ledger.service';
import type { CommitResult, SourceInput } from './ledger.types';
import { mergeSql } from './merge.queries';

type PersonRow = Record<string, unknown> & {
  district_code: string;
  id: number;
  id_number: string | null;
  status: string;
  provenance: Record<string, number>;
};

/** What a merge changed, kept so that unmerge can put it back. */
interface Snapshot {
  /** The merged record's values and provenance before the merge. */
  merged: { values: Record<string, unknown>; provenance: Record<string, number> };
  /** Fields the survivor took over from the merged record (it had none). */
  filled: string[];
  /** The survivor's sources of those fields before the merge (a blank can have a source too). */
  survivorProvenance: Record<string, number | null>;
  facts: number[];
  households: number[];
}

/** Fields a merge never copies: the record's own state. */
const OWN = new Set(['status', 'merged_into_id']);

/** The outcome of a merge or an unmerge. */
export interface MergeResult {
  mergeId: number;
  survivorId: number;
  mergedId: number;
}

/**
 * Merges two person records found to be one person (合并), and undoes it. A merge moves the
 * merged record's values the survivor lacks, with the source records they came from, its facts and
 * the households it heads to the survivor; the merged record stays, as MERGED into the survivor,
 * so its id keeps answering. Records with two different ID numbers are never merged. Everything
 * goes through the ledger (change log, provenance) and is kept in person_merge for unmerge.
 */
export class MergeService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly ledger: LedgerService,
    private readonly areas: AreaService,
  ) {}

  /** A person outside the actor's scope is treated as absent (no hint that it exists). */
  private visible(actor: Actor, p: PersonRow | undefined): p is PersonRow {
    return !!p && areaInScope(this.areas, actor.scope, (p.area_code as string | null) ?? null);
  }

  /**
   * Merges `mergedId` into `survivorId`; both must lie inside the actor's scope. Open match items
   * of the review queue between the two are resolved by it (`note`: the reviewer's, if any).
   * `item`: the review item this merge answers; it must still be open when the merge takes its
   * locks (someone may have answered it since the reviewer looked), else nothing is merged.
   */
  async merge(
    survivorId: number,
    mergedId: number,
    by: Actor,
    opts: { note?: string | null; item?: number } = {},
  ): Promise<MergeResult> {
    const note = opts.note ?? null;
    const actor = by.name;
    if (survivorId === mergedId)
      throw new AppError('MERGE_REFUSED', 'A person cannot be merged into itself', 'mergedId');
    const commits: CommitResult[] = [];
    const result = await withTransaction(this.pool, async (client) => {
      if (opts.item !== undefined) {
        const { rows: item } = await client.query<{ status: string }>(mergeSql.lockItem, [opts.item]);
        if (item[0]?.status !== 'OPEN')
          throw new AppError('REVIEW_ITEM_RESOLVED', `review item ${opts.item} was answered already`, 'id');
      }
      const { rows } = await client.query<PersonRow>(mergeSql.lockPersons, [[survivorId, mergedId]]);
      const survivor = rows.find((r) => r.id === survivorId);
      const merged = rows.find((r) => r.id === mergedId);
      if (!this.visible(by, survivor) || survivor.status !== 'ACTIVE')
        throw new AppError('PERSON_NOT_FOUND', `no active person has id ${survivorId}`, 'survivorId');
      if (!this.visible(by, merged) || merged.status !== 'ACTIVE')
        throw new AppError('PERSON_NOT_FOUND', `no active person has id ${mergedId}`, 'mergedId');
      if (survivor.district_code !== merged.district_code)
        throw new AppError('DISTRICT_MISMATCH', 'The two persons belong to different districts');
      if (survivor.id_number && merged.id_number && survivor.id_number !== merged.id_number) {
        throw new AppError(
          'MERGE_REFUSED',
          'The two persons have different valid ID numbers, so they are different people',
          'mergedId',
        );
      }
      const d = survivor.district_code;
      const columns = Object.keys(ENTITIES.PERSON.columns).filter((c) => !OWN.has(c));
      const filled = columns.filter(
        (c) => survivor[c] === null && merged[c] !== null && merged[c] !== undefined,
      );
      const facts = (await client.query<{ id: number }>(mergeSql.factsOf, [d, mergedId])).rows.map(
        (r) => r.id,
      );
      const households = (await client.query<{ id: number }>(mergeSql.headedBy, [d, mergedId])).rows.map(
        (r) => r.id,
      );
      const snapshot: Snapshot = {
        merged: {
          values: Object.fromEntries(columns.map((c) => [c, merged[c] ?? null])),
          provenance: merged.provenance,
        },
        filled,
        survivorProvenance: Object.fromEntries(filled.map((c) => [c, survivor.provenance[c] ?? null])),
        facts,
        households,
      };
      const { rows: m } = await client.query<{ id: number }>(mergeSql.insertMerge, [
        d,
        survivorId,
        mergedId,
        JSON.stringify(snapshot),
        actor,
      ]);
      const source = (step: string): SourceInput => ({
        districtCode: d,
        kind: 'SYSTEM',
        actor,
        raw: { operation: 'mergePersons', step, mergeId: m[0].id, survivorId, mergedId },
      });
      // first the merged record lets go of its ID number (unique), then the survivor takes it
      commits.push(
        await this.ledger.recordIn(client, [
          {
            source: source('retire'),
            writes: [
              {
                type: 'PERSON',
                districtCode: d,
                id: mergedId,
                create: false,
                values: { status: 'MERGED', merged_into_id: survivorId, id_number: null },
              },
            ],
          },
        ]),
      );
      commits.push(
        await this.ledger.recordIn(client, [
          {
            source: source('move'),
            writes: [
              {
                type: 'PERSON',
                districtCode: d,
                id: survivorId,
                create: false,
                values: Object.fromEntries(filled.map((c) => [c, merged[c]])),
                provenance: Object.fromEntries(
                  filled
                    .filter((c) => merged.provenance[c] !== undefined)
                    .map((c) => [c, merged.provenance[c]]),
                ),
              },
              ...facts.map((id) => ({
                type: 'FACT' as const,
                districtCode: d,
                id,
                create: false,
                values: { person_id: survivorId },
              })),
              ...households.map((id) => ({
                type: 'HOUSEHOLD' as const,
                districtCode: d,
                id,
                create: false,
                values: { head_person_id: survivorId },
              })),
            ],
          },
        ]),
      );
      await client.query(mergeSql.resolveMatches, [d, survivorId, mergedId, note, actor]);
      return { mergeId: m[0].id, survivorId, mergedId };
    });
    for (const c of commits) this.ledger.emit(c);
    return result;
  }

  /**
   * Undoes a merge: the merged record is active again with its own values and their sources; the
   * survivor gives back the fields it took over (unless someone changed them since), and the facts
   * and households move back. Match items of the review queue the merge answered are open again.
   */
  async unmerge(mergeId: number, by: Actor): Promise<MergeResult> {
    const actor = by.name;
    if (!Number.isSafeInteger(mergeId))
      throw new AppError('MERGE_NOT_FOUND', 'mergeId is not a merge number', 'mergeId');
    const commits: CommitResult[] = [];
    const result = await withTransaction(this.pool, async (client) => {
      const { rows: found } = await client.query<{
        district_code: string;
        id: number;
        survivor_id: number;
        merged_id: number;
        snapshot: Snapshot;
        unmerged_at: Date | null;
      }>(mergeSql.mergeById, [mergeId]);
      const merge = found[0];
      if (!merge || merge.unmerged_at)
        throw new AppError('MERGE_NOT_FOUND', `no merge ${mergeId} to undo`, 'mergeId');
      const d = merge.district_code;
      const { rows } = await client.query<PersonRow>(mergeSql.lockPersons, [
        [merge.survivor_id, merge.merged_id],
      ]);
      const survivor = rows.find((r) => r.id === merge.survivor_id);
      // both records must be in the actor's scope; otherwise the merge behaves as absent
      if (
        !this.visible(by, survivor) ||
        !this.visible(
          by,
          rows.find((r) => r.id === merge.merged_id),
        )
      ) {
        throw new AppError('MERGE_NOT_FOUND', `no merge ${mergeId} to undo`, 'mergeId');
      }
      const snap = merge.snapshot;
      const source = (step: string): SourceInput => ({
        districtCode: d,
        kind: 'SYSTEM',
        actor,
        raw: {
          operation: 'unmergePersons',
          step,
          mergeId,
          survivorId: merge.survivor_id,
          mergedId: merge.merged_id,
        },
      });
      // fields still holding what the merge gave them go back; a later correction stays
      const giveBack = snap.filled.filter((c) => survivor.provenance[c] === snap.merged.provenance[c]);
      commits.push(
        await this.ledger.recordIn(client, [
          {
            source: source('give back'),
            writes: [
              {
                type: 'PERSON',
                districtCode: d,
                id: merge.survivor_id,
                create: false,
                values: Object.fromEntries(giveBack.map((c) => [c, null])),
                provenance: Object.fromEntries(giveBack.map((c) => [c, snap.survivorProvenance[c] ?? null])),
              },
              ...snap.facts.map((id) => ({
                type: 'FACT' as const,
                districtCode: d,
                id,
                create: false,
                values: { person_id: merge.merged_id },
              })),
              ...snap.households.map((id) => ({
                type: 'HOUSEHOLD' as const,
                districtCode: d,
                id,
                create: false,
                values: { head_person_id: merge.merged_id },
              })),
            ],
          },
        ]),
      );
      commits.push(
        await this.ledger.recordIn(client, [
          {
            source: source('restore'),
            writes: [
              {
                type: 'PERSON',
                districtCode: d,
                id: merge.merged_id,
                create: false,
                values: { ...snap.merged.values, status: 'ACTIVE', merged_into_id: null },
                provenance: Object.fromEntries(
                  Object.keys(ENTITIES.PERSON.columns).map((c) => [c, snap.merged.provenance[c] ?? null]),
                ),
              },
            ],
          },
        ]),
      );
      await client.query(mergeSql.markUnmerged, [d, mergeId, actor]);
      // the doubt the merge answered is open again (who merged, and when, stays in person_merge)
      await client.query(mergeSql.reopenMatches, [d, merge.survivor_id, merge.merged_id]);
      return { mergeId, survivorId: merge.survivor_id, mergedId: merge.merged_id };
    });
    for (const c of commits) this.ledger.emit(c);
    return result;
  }
}
