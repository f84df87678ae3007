import type pg from 'pg';
import { areaInScope } from '../../auth/scope';
import { withTransaction } from '../../db/pool';
import { AppError } from '../../errors/app-error';
import type { AreaService } from '../../geo/area.service';
import type { LedgerService } from '../../ledger/ledger.service';
import type { CommitResult } from '../../ledger/ledger.types';
import type { MergeService } from '../../ledger/merge.service';
import {
  staffSource,
  type Actor,
  type PersonFields,
  type PersonService,
} from '../../registry/person.service';
import { reviewSql } from './review.queries';

/**
 * How a reviewer answers an item of the queue. KEEP: the ledger stays as it is (the shown value
 * of a conflict, two different persons, a row checked). TAKE_OTHER (conflicts): the other source's
 * value becomes the shown one. MERGE (doubtful matches): the row's person is merged into the
 * candidate.
 */
export type ReviewDecision = 'KEEP' | 'TAKE_OTHER' | 'MERGE';

/** A resolved item of the review queue. */
export interface ReviewResolution {
  /** The item's key as the queue gives it: kind and number. */
  item: string;
  kind: string;
  personId: number;
  decision: ReviewDecision;
  note: string | null;
  resolvedBy: string;
  resolvedAt: Date;
  /** MERGE: the merge (unmergePersons undoes it). */
  mergeId: number | null;
}

/** The person columns a conflict may be answered with TAKE_OTHER for, as updatePerson's fields. */
const CORRECTABLE: Record<string, keyof PersonFields> = {
  id_number: 'idNumber',
  name: 'name',
  gender: 'gender',
  birth_date: 'birthDate',
  ethnicity: 'ethnicity',
  phone: 'phone',
  residence_type: 'residenceType',
  status: 'status',
  area_code: 'areaCode',
  house_id: 'houseId',
};

const MATCH_KINDS = new Set(['LOW_SCORE_MATCH', 'AMBIGUOUS_MATCH']);
const ITEM_KINDS = new Set([...MATCH_KINDS, 'ROW_CONTRADICTS_ID', 'CONFLICT']);
/** A reviewer's note is a sentence or two, not a document. */
export const NOTE_MAX_LENGTH = 500;

interface ConflictRow {
  district_code: string;
  id: number;
  person_id: number;
  field: string;
  other_value: unknown;
  other_source_id: number;
  status: string;
  decision: ReviewDecision | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  area_code: string;
  person_status: string;
}

interface ItemRow {
  district_code: string;
  id: number;
  kind: string;
  person_id: number;
  candidate_id: number | null;
  status: string;
  decision: ReviewDecision | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  area_code: string;
  candidate_area_code: string | null;
}

/** What `open` reads of an item or conflict. */
interface OpenCheck {
  status: string;
  area_code: string;
  kind?: string;
  decision: ReviewDecision | null;
  resolved_by: string | null;
  resolved_at: Date | null;
}

interface Resolved {
  decision: ReviewDecision;
  note: string | null;
  resolved_by: string;
  resolved_at: Date;
}

/** Parses an item key (`CONFLICT:12`, `LOW_SCORE_MATCH:5`) as reviewQueue gives it. */
export function parseItemKey(key: string): { kind: string; id: number } {
  const m = /^([A-Z_]+):([1-9]\d{0,14})$/.exec(key);
  if (!m || !ITEM_KINDS.has(m[1])) {
    throw new AppError(
      'REVIEW_ITEM_NOT_FOUND',
      `${JSON.stringify(key.slice(0, 40))} is not a review item (KIND:number, as reviewQueue gives it)`,
      'id',
    );
  }
  return { kind: m[1], id: Number(m[2]) };
}

/**
 * Working off the review queue (待核实): each item is answered once, by someone who may write
 * records where its person lives, with the decision, a note, who and when kept on the item. A
 * decision that changes the ledger goes through its one write path: taking the other value of a
 * conflict is the reviewer's edit (a source record of its own, which later rosters cannot silently
 * overwrite), a merge is the merge service's, which answers every open match between the two.
 */
export class ReviewService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly ledger: LedgerService,
    private readonly areas: AreaService,
    private readonly merges: MergeService,
    private readonly persons: PersonService,
  ) {}

  async resolve(
    key: string,
    decision: ReviewDecision,
    note: string | null | undefined,
    by: Actor,
  ): Promise<ReviewResolution> {
    const { kind, id } = parseItemKey(key);
    const text = note?.trim() || null;
    if (text !== null && text.length > NOTE_MAX_LENGTH)
      throw new AppError('VALUE_INVALID', `note is longer than ${NOTE_MAX_LENGTH} characters`, 'note');
    if (kind === 'CONFLICT') return this.resolveConflict(key, id, decision, text, by);
    if (decision === 'TAKE_OTHER') {
      throw new AppError(
        'REVIEW_DECISION_INVALID',
        'TAKE_OTHER answers a conflict; a match or a row is answered with KEEP or MERGE',
        'decision',
      );
    }
    if (decision === 'MERGE') return this.resolveByMerge(key, kind, id, text, by);
    return withTransaction(this.pool, async (client) => {
      const item = this.open(key, kind, (await client.query<ItemRow>(reviewSql.lockItem, [id])).rows[0], by);
      const { rows } = await client.query<Resolved>(reviewSql.resolveItem, [
        item.district_code,
        id,
        decision,
        text,
        by.name,
      ]);
      return resolution(key, kind, item.person_id, rows[0], null);
    });
  }

  /** An item as it stands, if it exists for the actor (its person in scope) and is still open. */
  private open<T extends OpenCheck>(key: string, kind: string, row: T | undefined, by: Actor): T {
    if (
      !row ||
      (row.kind !== undefined && row.kind !== kind) ||
      !areaInScope(this.areas, by.scope, row.area_code)
    )
      throw new AppError('REVIEW_ITEM_NOT_FOUND', `no review item ${key}`, 'id');
    if (row.status !== 'OPEN') {
      throw new AppError(
        'REVIEW_ITEM_RESOLVED',
        `review item ${key} was resolved already (${row.decision ?? 'RESOLVED'} by ${row.resolved_by ?? 'someone'} at ${row.resolved_at?.toISOString() ?? 'an earlier time'})`,
        'id',
      );
    }
    return row;
  }

  private async resolveConflict(
    key: string,
    id: number,
    decision: ReviewDecision,
    note: string | null,
    by: Actor,
  ): Promise<ReviewResolution> {
    if (decision === 'MERGE') {
      throw new AppError(
        'REVIEW_DECISION_INVALID',
        'a conflict is answered with KEEP (the shown value stays) or TAKE_OTHER',
        'decision',
      );
    }
    const commits: CommitResult[] = [];
    const out = await withTransaction(this.pool, async (client) => {
      const c = this.open(
        key,
        'CONFLICT',
        (await client.query<ConflictRow>(reviewSql.lockConflict, [id])).rows[0],
        by,
      );
      if (decision === 'TAKE_OTHER') {
        if (c.person_status === 'MERGED') {
          throw new AppError(
            'REVIEW_DECISION_INVALID',
            `the person of ${key} was merged into another record since: answer it with KEEP and correct the surviving record`,
            'decision',
          );
        }
        // the other value is checked as the reviewer's own correction would be (an area in their
        // scope and of a person's level, an ID number agreeing with birth date and gender)
        const input = CORRECTABLE[c.field];
        if (!input) {
          throw new AppError(
            'REVIEW_DECISION_INVALID',
            `${c.field} is not taken from another source here (households change with setHouseholdMember): answer ${key} with KEEP`,
            'decision',
          );
        }
        const { values } = await this.persons.correction(c.person_id, { [input]: c.other_value }, by);
        const source = staffSource(c.district_code, by, 'resolveReviewItem', {
          item: key,
          decision,
          field: c.field,
          takenFrom: c.other_source_id,
          ...(note ? { note } : {}),
        });
        try {
          commits.push(
            await this.ledger.recordIn(client, [
              {
                source,
                writes: [
                  {
                    type: 'PERSON',
                    districtCode: c.district_code,
                    id: c.person_id,
                    create: false,
                    values,
                  },
                ],
              },
            ]),
          );
        } catch (e) {
          const pgErr = e as { code?: string; constraint?: string };
          if (pgErr.code === '23505' && pgErr.constraint === 'person_id_number_key')
            throw new AppError('ID_NUMBER_TAKEN', 'another person already has this ID number', 'decision');
          throw e;
        }
      }
      const { rows } = await client.query<Resolved>(reviewSql.resolveConflict, [
        c.district_code,
        id,
        decision,
        note,
        by.name,
      ]);
      return resolution(key, 'CONFLICT', c.person_id, rows[0], null);
    });
    for (const c of commits) this.ledger.emit(c);
    return out;
  }

  /** MERGE: the row's person into the candidate, the person the ledger held before the row. */
  private async resolveByMerge(
    key: string,
    kind: string,
    id: number,
    note: string | null,
    by: Actor,
  ): Promise<ReviewResolution> {
    const item = this.open(key, kind, (await this.pool.query<ItemRow>(reviewSql.itemById, [id])).rows[0], by);
    if (!MATCH_KINDS.has(item.kind)) {
      throw new AppError(
        'REVIEW_DECISION_INVALID',
        'MERGE answers a doubtful match; a row that contradicts its ID number is answered with KEEP',
        'decision',
      );
    }
    if (
      item.candidate_id === null ||
      item.candidate_area_code === null ||
      !areaInScope(this.areas, by.scope, item.candidate_area_code)
    ) {
      throw new AppError(
        'REVIEW_DECISION_INVALID',
        `review item ${key} names no candidate you may merge into; merge the records with mergePersons`,
        'decision',
      );
    }
    // the merge answers this item (and any other open match between the two) in its transaction,
    // having found it still open there
    const merged = await this.merges.merge(item.candidate_id, item.person_id, by, { note, item: id });
    const { rows } = await this.pool.query<ItemRow & Resolved>(reviewSql.itemById, [id]);
    return resolution(key, kind, item.person_id, rows[0], merged.mergeId);
  }
}

function resolution(
  key: string,
  kind: string,
  personId: number,
  r: Resolved & { note?: string | null },
  mergeId: number | null,
): ReviewResolution {
  return {
    item: key,
    kind,
    personId,
    decision: r.decision,
    note: r.note ?? null,
    resolvedBy: r.resolved_by,
    resolvedAt: r.resolved_at,
    mergeId,
  };
}
