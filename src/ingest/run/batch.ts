import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { LedgerService } from '../../ledger/ledger.service';
import type { CommitResult, EntityWrite, LedgerItem } from '../../ledger/ledger.types';
import type { NormalizedRecord } from '../mapping/normalize-row';
import type { RowEvent } from '../rows';
import { arrayLiteral } from '../../db/params';
import { ingestSql } from './ingest.queries';
import { type Candidate, decideMatch, type MatchOutcome, NO_CANDIDATES } from './match';
import type { TimeSlice } from './time-slice';

/** What a batch needs to know about its run. */
export interface RunContext {
  runId: number;
  districtCode: string;
  /** Where rows land when their community or grid is not named or not known. */
  areaCode: string;
  department: string;
  profileName: string;
  /** The reporting period the profile says the roster describes, kept with every row. */
  period: string | null;
  fileName: string;
  /** Community and grid names under the run's area → codes. */
  areaByName: Map<string, string>;
  /** Whether the uploader's scope covers an area: the run writes as the uploader. */
  inScope: (areaCode: string | null) => boolean;
  /** Foreign keys checked per batch instead of per row where the database allows (`recordIn`'s `bulk`). */
  bulkChecks: boolean;
}

/** One row of the file with its position in the run (1-based, file order). */
export interface BatchRow {
  seq: number;
  event: Extract<RowEvent, { kind: 'row' }>;
}

/** Counters a batch adds to its run. */
export interface BatchStats {
  landed: number;
  unchanged: number;
  skipped: number;
  rejected: number;
  personsCreated: number;
  personsMatched: number;
  conflicts: number;
  reviewItems: number;
}

const SKIP_MESSAGES: Record<string, string> = {
  TOTAL_ROW: '合计/小计行，不是人员记录',
  FOOTER: '表尾签名栏（填表人、审核人、报出日期等）',
  REPEATED_HEADER: '重复的表头行',
};

/** The de-duplication key of a row: its cells (as JSON), under its department and profile. */
export function rowContentHash(department: string, profile: string, rawJson: string): string {
  // the cells go in as a second piece: one string of all three was a copy of every row's cells
  return createHash('sha256').update(`${department}\u0000${profile}\u0000`).update(rawJson).digest('hex');
}

/** A person found by ID number: what resolving a row and checking the uploader's scope need. */
interface PersonByIdNumber {
  id: number;
  id_number: string;
  status: string;
  merged_into_id: number | null;
  household_id: number | null;
  house_id: number | null;
  area_code: string | null;
}

type Ref = number; // a real id (> 0) or a temporary one (< 0) until ids are allocated

/** A row that normalised: its record, content hash and cells as JSON. */
type LandingRow = Pick<Planned, 'row' | 'record' | 'hash' | 'rawJson'>;

interface Planned {
  row: BatchRow;
  record: NormalizedRecord;
  hash: string;
  /** The row's cells as JSON: hashed, and written as the source record's `raw` (made once). */
  rawJson: string;
  areaCode: string;
  person: Ref;
  personIsNew: boolean;
  personExisting: boolean;
  household: Ref | null;
  householdIsNew: boolean;
  house: Ref | null;
  houseIsNew: boolean;
  match: MatchOutcome | null;
}

/**
 * The normalised values, then `extra`, without blanks: a million rows of nulls would only fatten
 * the source log.
 */
function compact(o: object, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const src of [o as Record<string, unknown>, extra]) {
    for (const k in src) {
      const v = src[k];
      if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
      out[k] = v;
    }
  }
  return out;
}

function warningsOf(row: BatchRow) {
  const o = row.event.outcome;
  return o ? o.warnings : [];
}

function areaFor(ctx: RunContext, r: NormalizedRecord): string {
  const key = (s: string | null) => (s ? s.replace(/\s/g, '') : '');
  return ctx.areaByName.get(key(r.grid)) ?? ctx.areaByName.get(key(r.community)) ?? ctx.areaCode;
}

/**
 * What a prepared batch tells the preparation of the next one, which may run before this batch
 * has committed: what a look-up would find once it has. Entities the batch creates, by the keys
 * rows find them by; the rows it lands (by content hash); persons without an ID number as the
 * candidate look-up would return them, and persons it gave an ID number (no longer candidates);
 * active facts of the run's kind.
 */
export interface BatchMemory {
  hashes: ReadonlySet<string>;
  persons: ReadonlyMap<string, PersonByIdNumber>;
  households: ReadonlyMap<string, { id: number; house_id: number | null }>;
  housesByCode: ReadonlyMap<string, number>;
  housesByAddress: ReadonlyMap<string, number>;
  /** The address of each house above (a candidate's context). */
  houseAddresses: ReadonlyMap<number, string | null>;
  candidates: ReadonlyMap<number, Candidate>;
  identified: ReadonlySet<number>;
  facts: ReadonlyMap<number, number>;
}

/** A batch resolved and turned into ledger items, ready to be written in one transaction. */
export interface PreparedBatch {
  stats: BatchStats;
  issues: object[];
  landing: Landing | null;
  memory: BatchMemory;
}

/** The ledger items of a batch's landing rows, with what their match decisions need after the write. */
interface Landing {
  items: LedgerItem[];
  planned: Planned[];
  real: (ref: Ref | null) => number | null;
}

/** Runs statements: the write transaction's client, or the pool for look-ups made ahead of it. */
type Queryable = pg.Pool | pg.PoolClient;

const EMPTY_MEMORY: BatchMemory = {
  hashes: new Set(),
  persons: new Map(),
  households: new Map(),
  housesByCode: new Map(),
  housesByAddress: new Map(),
  houseAddresses: new Map(),
  candidates: new Map(),
  identified: new Set(),
  facts: new Map(),
};

/**
 * Lands one batch of rows inside the caller's transaction: skipped and rejected rows are kept with
 * their reason and cells; rows already landed before (same content, same department and profile)
 * are counted and left alone; every other row is resolved to its house, household and person
 * (same ID number → same person; without one, name + birth date + household context with a
 * score) and written through the ledger with its source. Match decisions and review items are
 * written beside it. The caller moves the run's checkpoint in the same transaction and commits.
 */
export async function writeBatch(
  client: pg.PoolClient,
  ledger: LedgerService,
  ctx: RunContext,
  rows: readonly BatchRow[],
): Promise<{ stats: BatchStats; commit: CommitResult | null }> {
  return writePrepared(client, ledger, ctx, await prepareBatch(client, ledger, ctx, rows, null));
}

/**
 * Resolves a batch and builds its ledger items without writing anything: look-ups, id reservations
 * (sequences, outside any transaction) and the decisions of `writeBatch`. It can run on the pool
 * while the batch before is still being written: `previous` is that batch's memory, which answers
 * for whatever it lands that the look-ups cannot see until it commits. The caller writes the result
 * with `writePrepared` only after the batch before has committed. `slice`: the planning gives the
 * event loop back in turns of that length, so that the write in progress is not kept waiting.
 */
export async function prepareBatch(
  db: Queryable,
  ledger: LedgerService,
  ctx: RunContext,
  rows: readonly BatchRow[],
  previous: BatchMemory | null,
  slice: TimeSlice | null = null,
): Promise<PreparedBatch> {
  const prev = previous ?? EMPTY_MEMORY;
  const stats: BatchStats = {
    landed: 0,
    unchanged: 0,
    skipped: 0,
    rejected: 0,
    personsCreated: 0,
    personsMatched: 0,
    conflicts: 0,
    reviewItems: 0,
  };
  const issues: object[] = [];
  const candidatesRows: LandingRow[] = [];
  for (const row of rows) {
    const e = row.event;
    const o = e.outcome;
    if (!e.skip && o?.ok) {
      const rawJson = JSON.stringify(e.raw);
      candidatesRows.push({
        row,
        record: o.record,
        hash: rowContentHash(ctx.department, ctx.profileName, rawJson),
        rawJson,
      });
      continue;
    }
    // (only a skipped or rejected row makes an issue: no object per landing row)
    const issue = {
      district_code: ctx.districtCode,
      run_id: ctx.runId,
      seq: row.seq,
      sheet: e.sheet,
      row_number: e.rowNumber,
      raw: e.raw,
    };
    if (e.skip) {
      issues.push({ ...issue, outcome: 'SKIPPED', reason: e.skip, message: SKIP_MESSAGES[e.skip] ?? e.skip });
      stats.skipped++;
    } else {
      issues.push({
        ...issue,
        outcome: 'REJECTED',
        reason: o && !o.ok ? o.reason : 'UNKNOWN',
        message: o && !o.ok ? o.message : '',
      });
      stats.rejected++;
    }
  }

  // the run writes as its uploader: a row naming (by ID number) a person recorded outside the
  // uploader's scope is rejected, so an upload never changes a record its uploader cannot see
  const ids = [...new Set(candidatesRows.map((c) => c.record.idNumber).filter((x): x is string => !!x))];
  // the persons found here are reused to resolve the rows (only guardians are looked up again)
  const knownPersons = new Map<string, PersonByIdNumber>();
  if (ids.length > 0) {
    const found = await personsByIdNumber(db, ids, prev);
    for (const p of found) knownPersons.set(p.id_number, p);
    const outside = new Set(found.filter((p) => !ctx.inScope(p.area_code)).map((p) => p.id_number));
    if (outside.size > 0) {
      for (let i = candidatesRows.length - 1; i >= 0; i--) {
        const c = candidatesRows[i];
        if (!c.record.idNumber || !outside.has(c.record.idNumber)) continue;
        const e = c.row.event;
        issues.push({
          district_code: ctx.districtCode,
          run_id: ctx.runId,
          seq: c.row.seq,
          sheet: e.sheet,
          row_number: e.rowNumber,
          raw: e.raw,
          outcome: 'REJECTED',
          reason: 'PERSON_OUT_OF_SCOPE',
          message: '此人登记在上传人权限范围以外的区域，本行未导入',
        });
        stats.rejected++;
        candidatesRows.splice(i, 1);
      }
    }
  }

  // rows that landed before (an earlier run of the same file, this run before a crash, or the
  // batch before, which may not have committed yet)
  const known = new Set<string>();
  const unseen: string[] = [];
  for (const c of candidatesRows) {
    if (prev.hashes.has(c.hash)) known.add(c.hash);
    else unseen.push(c.hash);
  }
  if (unseen.length > 0) {
    const { rows: found } = await db.query<{ content_hash: string }>(ingestSql.knownHashes, [
      ctx.districtCode,
      arrayLiteral(unseen),
    ]);
    for (const f of found) known.add(f.content_hash);
  }
  const toLand: typeof candidatesRows = [];
  for (const c of candidatesRows) {
    stats.landed++;
    if (known.has(c.hash)) {
      stats.unchanged++;
      continue;
    }
    known.add(c.hash);
    toLand.push(c);
  }

  if (toLand.length === 0) return { stats, issues, landing: null, memory: { ...EMPTY_MEMORY } };
  const { landing, memory } = await plan(
    db,
    ledger,
    ctx,
    toLand,
    stats,
    knownPersons,
    new Set(ids),
    prev,
    slice,
  );
  return { stats, issues, landing, memory };
}

/** Persons by ID number as the database has them, and as the batch before leaves them. */
async function personsByIdNumber(
  db: Queryable,
  ids: string[],
  prev: BatchMemory,
): Promise<PersonByIdNumber[]> {
  const { rows } = await db.query<PersonByIdNumber>(ingestSql.personsByIdNumber, [arrayLiteral(ids)]);
  if (prev.persons.size === 0) return rows;
  const byId = new Map(rows.map((p) => [p.id_number, p]));
  for (const id of ids) {
    const p = prev.persons.get(id);
    if (p) byId.set(id, p);
  }
  return [...byId.values()];
}

/**
 * Writes a prepared batch inside the caller's transaction: its rows through the ledger, then match
 * decisions, review items and the skipped and rejected rows.
 */
export async function writePrepared(
  client: pg.PoolClient,
  ledger: LedgerService,
  ctx: RunContext,
  prepared: PreparedBatch,
): Promise<{ stats: BatchStats; commit: CommitResult | null }> {
  const { stats, issues, landing } = prepared;
  let commit: CommitResult | null = null;
  if (landing) commit = await land(client, ledger, ctx, landing, stats);
  if (issues.length > 0) await client.query(ingestSql.insertIssues, [JSON.stringify(issues)]);
  return { stats, commit };
}

/**
 * Resolves the rows to land (house, household, person, fact; new entities get reserved ids) and
 * builds their ledger items; also what the next batch needs to know of this one (`BatchMemory`).
 */
async function plan(
  db: Queryable,
  ledger: LedgerService,
  ctx: RunContext,
  toLand: LandingRow[],
  stats: BatchStats,
  knownPersons: ReadonlyMap<string, PersonByIdNumber>,
  lookedUp: ReadonlySet<string>,
  prev: BatchMemory,
  slice: TimeSlice | null,
): Promise<{ landing: Landing; memory: BatchMemory }> {
  const d = ctx.districtCode;
  const uniq = <T>(xs: (T | null)[]) => [...new Set(xs.filter((x): x is T => x !== null))];
  const recs = toLand.map((t) => t.record);

  // the rows' own ID numbers were looked up already; only guardians not among them are left
  const ids = uniq(recs.flatMap((r) => [r.idNumber, r.guardianIdNumber]));
  const persons = { rows: ids.flatMap((id) => knownPersons.get(id) ?? []) };
  const guardians = uniq(recs.map((r) => r.guardianIdNumber)).filter((id) => !lookedUp.has(id));
  // one client runs one statement at a time: these go one after the other
  if (guardians.length > 0) {
    persons.rows.push(...(await personsByIdNumber(db, guardians, prev)));
  }
  const households = await db.query<{ id: number; household_number: string; house_id: number | null }>(
    ingestSql.householdsByNumber,
    [d, arrayLiteral(uniq(recs.map((r) => r.householdNumber)))],
  );
  const housesByCode = await db.query<{ id: number; code: string; address: string | null }>(
    ingestSql.housesByCode,
    [d, arrayLiteral(uniq(recs.map((r) => r.houseCode)))],
  );
  const housesByAddress = await db.query<{ id: number; address: string }>(ingestSql.housesByAddress, [
    d,
    arrayLiteral(uniq(recs.map((r) => r.address))),
  ]);
  const personById = new Map(persons.rows.map((p) => [p.id_number, p]));
  const needCandidates = recs.filter((r) => r.birthDate && (!r.idNumber || !personById.has(r.idNumber)));
  const dbCandidates: Candidate[] = [];
  if (needCandidates.length > 0) {
    const { rows } = await db.query<{
      id: number;
      name: string;
      birth_date: string;
      gender: string | null;
      household_id: number | null;
      house_id: number | null;
      household_number: string | null;
      address: string | null;
      area_code: string | null;
    }>(ingestSql.candidates, [
      d,
      arrayLiteral(uniq(needCandidates.map((r) => r.birthDate))),
      arrayLiteral(uniq(needCandidates.map((r) => r.name))),
    ]);
    for (const c of rows) {
      // a record the uploader cannot see is no candidate: the run may not write to it
      if (!ctx.inScope(c.area_code)) continue;
      dbCandidates.push({
        id: c.id,
        name: c.name,
        birthDate: c.birth_date,
        gender: c.gender,
        householdId: c.household_id,
        householdNumber: c.household_number,
        houseId: c.house_id,
        address: c.address,
      });
    }
    // the batch before, committed or not: persons it gave an ID number are no candidates any more,
    // those it wrote without one are candidates as it left them
    if (prev.candidates.size > 0 || prev.identified.size > 0) {
      const dates = new Set(needCandidates.map((r) => r.birthDate));
      const names = new Set(needCandidates.map((r) => r.name));
      const fromDb = dbCandidates.splice(0).filter((c) => !prev.identified.has(c.id));
      const seen = new Set<number>();
      for (const c of fromDb) {
        seen.add(c.id);
        dbCandidates.push(prev.candidates.get(c.id) ?? c);
      }
      for (const c of prev.candidates.values())
        if (!seen.has(c.id) && dates.has(c.birthDate) && names.has(c.name)) dbCandidates.push(c);
    }
  }

  // pass 1: decide every reference; new entities get temporary negative refs
  let temp = 0;
  const nextTemp = () => --temp;
  const householdRef = new Map<string, { ref: Ref; isNew: boolean; house: Ref | null }>(
    households.rows.map((h) => [h.household_number, { ref: h.id, isNew: false, house: h.house_id }]),
  );
  const houseByCode = new Map<string, Ref>(housesByCode.rows.map((h) => [h.code, h.id]));
  const houseByAddress = new Map<string, Ref>(housesByAddress.rows.map((h) => [h.address, h.id]));
  // where a house found by code is, for the candidates this batch leaves to the next
  const houseAddress = new Map<Ref, string | null>(housesByCode.rows.map((h) => [h.id, h.address]));
  for (const h of housesByAddress.rows) houseAddress.set(h.id, h.address);
  for (const r of recs) {
    const h = r.householdNumber ? prev.households.get(r.householdNumber) : undefined;
    if (h) householdRef.set(r.householdNumber!, { ref: h.id, isNew: false, house: h.house_id });
    const byCode = r.houseCode ? prev.housesByCode.get(r.houseCode) : undefined;
    if (byCode !== undefined) {
      houseByCode.set(r.houseCode!, byCode);
      houseAddress.set(byCode, prev.houseAddresses.get(byCode) ?? null);
    }
    const byAddress = r.address ? prev.housesByAddress.get(r.address) : undefined;
    if (byAddress !== undefined) {
      houseByAddress.set(r.address!, byAddress);
      houseAddress.set(byAddress, r.address);
    }
  }
  const newHouses = new Set<Ref>();
  const personRefById = new Map<string, { ref: Ref; household: Ref | null; house: Ref | null }>();
  for (const p of persons.rows) {
    personRefById.set(p.id_number, {
      ref: p.status === 'MERGED' && p.merged_into_id ? p.merged_into_id : p.id,
      household: p.household_id,
      house: p.house_id,
    });
  }
  const batchCandidates: Candidate[] = [];
  const newPersons = new Set<Ref>();
  const planned: Planned[] = [];
  for (const t of toLand) {
    const r = t.record;
    const areaCode = areaFor(ctx, r);
    // house: by code, else by normalised address
    let house: Ref | null = null;
    let houseIsNew = false;
    if (r.houseCode && houseByCode.has(r.houseCode)) house = houseByCode.get(r.houseCode)!;
    else if (r.address && houseByAddress.has(r.address)) house = houseByAddress.get(r.address)!;
    else if (r.address) {
      house = nextTemp();
      houseIsNew = true;
      newHouses.add(house);
      houseAddress.set(house, r.address);
      houseByAddress.set(r.address, house);
      if (r.houseCode) houseByCode.set(r.houseCode, house);
    }
    // household: by number
    let household: Ref | null = null;
    let householdIsNew = false;
    if (r.householdNumber) {
      const h = householdRef.get(r.householdNumber);
      if (h) {
        household = h.ref;
        if (house !== null) h.house = house; // the row moves the household into its house
      } else {
        household = nextTemp();
        householdIsNew = true;
        householdRef.set(r.householdNumber, { ref: household, isNew: true, house });
      }
    }
    // person: same valid ID → same person; otherwise a scored match on name, birth date and context
    let person: Ref;
    let personIsNew = false;
    let personExisting = false;
    let match: MatchOutcome | null = null;
    const byId = r.idNumber ? personRefById.get(r.idNumber) : undefined;
    if (byId) {
      person = byId.ref;
      personExisting = !newPersons.has(person);
    } else {
      const guardianRef = r.guardianIdNumber ? personRefById.get(r.guardianIdNumber) : undefined;
      // (a roster of ID numbers new to the ledger has no one to compare with: no list, no input)
      const candidates =
        batchCandidates.length === 0
          ? dbCandidates
          : dbCandidates.length === 0
            ? batchCandidates
            : [...dbCandidates, ...batchCandidates];
      match =
        candidates.length === 0
          ? NO_CANDIDATES
          : decideMatch(
              {
                name: r.name,
                birthDate: r.birthDate!,
                gender: r.gender,
                householdNumber: r.householdNumber,
                address: r.address,
                guardian: guardianRef
                  ? { householdId: guardianRef.household, houseId: guardianRef.house }
                  : null,
              },
              candidates,
            );
      if (match.kind === 'MATCH') {
        person = match.best.candidate.id;
        personExisting = !newPersons.has(person);
        // the candidate now has this record's ID number; it is no longer a candidate for others
        if (r.idNumber) {
          for (const list of [dbCandidates, batchCandidates]) {
            const i = list.indexOf(match.best.candidate);
            if (i >= 0) list.splice(i, 1);
          }
        }
      } else {
        person = nextTemp();
        personIsNew = true;
        newPersons.add(person);
        if (!r.idNumber) {
          batchCandidates.push({
            id: person,
            name: r.name,
            birthDate: r.birthDate!,
            gender: r.gender,
            householdId: household,
            householdNumber: r.householdNumber,
            houseId: house,
            address: r.address,
          });
        }
      }
    }
    if (r.idNumber && !byId) personRefById.set(r.idNumber, { ref: person, household, house });
    else if (r.idNumber && byId) {
      byId.household = household ?? byId.household;
      byId.house = house ?? byId.house;
    }
    if (personIsNew) stats.personsCreated++;
    else if (personExisting) stats.personsMatched++;
    planned.push({
      row: t.row,
      record: r,
      hash: t.hash,
      rawJson: t.rawJson,
      areaCode,
      person,
      personIsNew,
      personExisting,
      household,
      householdIsNew,
      house,
      houseIsNew,
      match,
    });
    if (slice?.due()) await slice.pass();
  }

  // allocate real ids for the new entities, one statement per type
  const realOf = new Map<Ref, number>();
  const allocate = async (type: 'PERSON' | 'HOUSEHOLD' | 'HOUSE', refs: Ref[]) => {
    const real = await ledger.allocateIds(db, type, refs.length);
    refs.forEach((ref, i) => realOf.set(ref, real[i]));
  };
  await allocate('HOUSE', [...newHouses]);
  await allocate(
    'HOUSEHOLD',
    [...householdRef.values()].filter((h) => h.isNew).map((h) => h.ref),
  );
  await allocate('PERSON', [...newPersons]);
  const real = (ref: Ref | null): number | null => (ref === null ? null : ref > 0 ? ref : realOf.get(ref)!);

  // facts: update the person's active fact of this kind from this department, else create one
  const factOf = new Map<number, number>();
  const createdFacts = new Set<number>();
  const factKind = planned.find((p) => p.record.fact)?.record.fact?.kind;
  if (factKind) {
    const existing = [...new Set(planned.filter((p) => p.person > 0).map((p) => p.person))];
    if (existing.length > 0) {
      const { rows } = await db.query<{ id: number; person_id: number }>(ingestSql.activeFacts, [
        d,
        existing,
        factKind,
        ctx.department,
      ]);
      for (const f of rows) factOf.set(f.person_id, f.id);
      for (const id of existing) {
        const fact = prev.facts.get(id);
        if (fact !== undefined) factOf.set(id, fact);
      }
    }
    const needing = [...new Set(planned.filter((p) => p.record.fact).map((p) => real(p.person)!))].filter(
      (id) => !factOf.has(id),
    );
    const factIds = await ledger.allocateIds(db, 'FACT', needing.length);
    needing.forEach((pid, i) => {
      factOf.set(pid, factIds[i]);
      createdFacts.add(factIds[i]);
    });
  }

  // pass 2: the ledger items, one per row, each entity created once and updated after
  // (a set of ids per kind of entity: no key string to build per row)
  const created = { H: new Set<number>(), F: new Set<number>(), P: new Set<number>(), A: new Set<number>() };
  const once = (kind: keyof typeof created, id: number) => {
    const ids = created[kind];
    if (ids.has(id)) return false;
    ids.add(id);
    return true;
  };
  const itemOf = (p: Planned): LedgerItem => {
    const r = p.record;
    const writes: EntityWrite[] = [];
    const houseId = real(p.house);
    const householdId = real(p.household);
    const personId = real(p.person)!;
    if (houseId !== null) {
      const create = p.house! < 0 && once('H', houseId);
      const values: Record<string, unknown> = create
        ? { address: r.address, use: 'RESIDENTIAL', area_code: p.areaCode }
        : {};
      if (r.houseCode) values.code = r.houseCode;
      // a house the row only points at (no code to give it) has nothing to write: no write, no lock
      if (create || r.houseCode) writes.push({ type: 'HOUSE', districtCode: d, id: houseId, create, values });
    }
    if (householdId !== null) {
      const create = p.household! < 0 && once('F', householdId);
      const values: Record<string, unknown> = create
        ? { household_number: r.householdNumber, area_code: p.areaCode }
        : {};
      if (houseId !== null) values.house_id = houseId;
      if (r.relationToHead === '户主' || r.relationToHead === '本人') values.head_person_id = personId;
      // likewise a household the row names without a house or a head to give it
      if (create || houseId !== null || values.head_person_id !== undefined)
        writes.push({ type: 'HOUSEHOLD', districtCode: d, id: householdId, create, values });
    }
    const create = p.person < 0 && once('P', personId);
    const values: Record<string, unknown> = create
      ? { status: 'ACTIVE', name: r.name, area_code: p.areaCode }
      : { name: r.name, area_code: p.areaCode };
    // the row's values where it has them (one call each, no array of pairs per row)
    const put = (k: string, v: unknown) => {
      if (v !== null && v !== undefined) values[k] = v;
    };
    put('id_number', r.idNumber);
    put('gender', r.gender);
    put('birth_date', r.birthDate);
    put('ethnicity', r.ethnicity);
    put('phone', r.phone);
    put('residence_type', r.residenceType);
    put('relation_to_head', r.relationToHead);
    put('household_id', householdId);
    put('house_id', houseId);
    writes.push({ type: 'PERSON', districtCode: d, id: personId, create, values });
    if (r.fact) {
      const factId = factOf.get(personId)!;
      const createFact = createdFacts.has(factId) && once('A', factId);
      writes.push({
        type: 'FACT',
        districtCode: d,
        id: factId,
        create: createFact,
        values: createFact
          ? {
              person_id: personId,
              kind: r.fact.kind,
              department_code: ctx.department,
              valid_from: r.fact.validFrom,
              attributes: r.fact.attributes,
              status: 'ACTIVE',
            }
          : { valid_from: r.fact.validFrom, attributes: r.fact.attributes },
      });
    }
    return {
      source: {
        districtCode: d,
        kind: 'INGEST',
        departmentCode: ctx.department,
        ingestRunId: ctx.runId,
        fileName: ctx.fileName,
        sheet: p.row.event.sheet,
        rowNumber: p.row.event.rowNumber,
        raw: p.row.event.raw,
        rawJson: p.rawJson,
        normalized: compact(r, { warnings: warningsOf(p.row), period: ctx.period }),
        contentHash: p.hash,
      },
      writes,
    };
  };
  const items: LedgerItem[] = [];
  for (const p of planned) {
    items.push(itemOf(p));
    if (slice?.due()) await slice.pass();
  }

  // what the next batch, prepared before this one commits, must know of it
  const personsLeft = new Map<string, PersonByIdNumber>();
  const candidates = new Map<number, Candidate>();
  const identified = new Set<number>();
  for (const p of planned) {
    const r = p.record;
    const id = real(p.person)!;
    if (r.idNumber) {
      const ref = personRefById.get(r.idNumber)!;
      personsLeft.set(r.idNumber, {
        id,
        id_number: r.idNumber,
        status: 'ACTIVE',
        merged_into_id: null,
        household_id: real(ref.household),
        house_id: real(ref.house),
        area_code: p.areaCode,
      });
      candidates.delete(id);
      if (p.match?.kind === 'MATCH') identified.add(id);
    } else if (r.birthDate && !identified.has(id)) {
      // as the ledger leaves the person: the row's values, and the person's own where it has none
      const was = candidates.get(id) ?? (p.match?.kind === 'MATCH' ? p.match.best.candidate : null);
      candidates.set(id, {
        id,
        name: r.name,
        birthDate: r.birthDate,
        gender: r.gender ?? was?.gender ?? null,
        householdId: real(p.household) ?? was?.householdId ?? null,
        householdNumber: r.householdNumber ?? was?.householdNumber ?? null,
        houseId: real(p.house) ?? was?.houseId ?? null,
        address: p.house === null ? (was?.address ?? null) : (houseAddress.get(p.house) ?? null),
      });
    }
  }
  const householdsLeft = new Map<string, { id: number; house_id: number | null }>();
  for (const [number, h] of householdRef)
    householdsLeft.set(number, { id: real(h.ref)!, house_id: real(h.house) });
  const realKeys = (m: Map<string, Ref>) => new Map([...m].map(([k, ref]) => [k, real(ref)!]));
  const memory: BatchMemory = {
    hashes: new Set(planned.map((p) => p.hash)),
    persons: personsLeft,
    households: householdsLeft,
    housesByCode: realKeys(houseByCode),
    housesByAddress: realKeys(houseByAddress),
    houseAddresses: new Map([...houseAddress].map(([ref, address]) => [real(ref)!, address])),
    candidates,
    identified,
    facts: factOf,
  };
  return { landing: { items, planned, real }, memory };
}

/** Writes a landing's ledger items, then its match decisions and review items. */
async function land(
  client: pg.PoolClient,
  ledger: LedgerService,
  ctx: RunContext,
  { items, planned, real }: Landing,
  stats: BatchStats,
): Promise<CommitResult> {
  const d = ctx.districtCode;
  const commit = await ledger.recordIn(client, items, { bulk: ctx.bulkChecks });
  for (const w of commit.results) stats.conflicts += w.conflicts;

  // match decisions for records matched (or not) without an ID number, and the review queue
  // a decision is kept whenever there was someone to compare with; a first sighting needs none
  // a row whose birth date or gender contradicts its own ID number: the ID wins, staff check the row
  const contradictions: object[] = [];
  planned.forEach((p, i) => {
    const bad = warningsOf(p.row).filter(
      (w) => w.problem === 'BIRTH_DATE_MISMATCH' || w.problem === 'GENDER_MISMATCH',
    );
    if (bad.length === 0) return;
    contradictions.push({
      district_code: d,
      kind: 'ROW_CONTRADICTS_ID',
      person_id: real(p.person),
      ingest_run_id: ctx.runId,
      source_record_id: commit.sourceRecordIds[i],
      detail: `${p.row.event.sheet} 第 ${p.row.event.rowNumber} 行：${bad.map((w) => (w.problem === 'BIRTH_DATE_MISMATCH' ? '出生日期' : '性别')).join('、')}与身份证号不符，已按身份证号记录`,
      created_at: commit.recordedAt.toISOString(),
    });
  });
  if (contradictions.length > 0) {
    await client.query(ingestSql.insertReviews, [JSON.stringify(contradictions)]);
    stats.reviewItems += contradictions.length;
  }

  const decided = planned
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.match !== null && p.match.best !== null);
  if (decided.length > 0) {
    const { rows: decisionIds } = await client.query<{ id: number }>(ingestSql.allocateDecisionIds, [
      decided.length,
    ]);
    const at = commit.recordedAt.toISOString();
    const decisions: object[] = [];
    const reviews: object[] = [];
    decided.forEach(({ p, i }, k) => {
      const m = p.match!;
      const best = m.best;
      decisions.push({
        district_code: d,
        id: decisionIds[k].id,
        ingest_run_id: ctx.runId,
        source_record_id: commit.sourceRecordIds[i],
        person_id: real(p.person),
        candidate_id: best ? real(best.candidate.id) : null,
        method: m.kind === 'MATCH' ? 'NAME_BIRTH_CONTEXT' : 'NEW_PERSON',
        score: best?.score ?? 0,
        agreed: best?.agreed ?? [],
        explanation: m.explanation,
        created_at: at,
      });
      if (m.kind === 'NEW' && best) {
        reviews.push({
          district_code: d,
          kind: m.ambiguous ? 'AMBIGUOUS_MATCH' : 'LOW_SCORE_MATCH',
          person_id: real(p.person),
          candidate_id: real(best.candidate.id),
          match_decision_id: decisionIds[k].id,
          ingest_run_id: ctx.runId,
          created_at: at,
        });
      }
    });
    await client.query(ingestSql.insertDecisions, [JSON.stringify(decisions)]);
    if (reviews.length > 0) await client.query(ingestSql.insertReviews, [JSON.stringify(reviews)]);
    stats.reviewItems += reviews.length;
  }
  return commit;
}
