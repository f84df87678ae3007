import type pg from 'pg';
import { AppError } from '../errors/app-error';
import { areaInScope, Scope } from '../auth/scope';
import type { AreaService } from '../geo/area.service';
import type { LedgerService } from '../ledger/ledger.service';
import type { SourceInput } from '../ledger/ledger.types';
import { IdNumberError, parseIdNumber } from '../normalize/id-number';
import { normalizeIdNumber } from '../normalize/id-number';
import { normalizePhone } from '../normalize/phone';
import { normalizeName } from '../normalize/name';
import { normalizeEthnicity } from '../normalize/residence';
import { PageArgs, pageWindow, Page, toPage } from './pagination';
import { JOINED_HOUSE, JOINED_HOUSEHOLD, JOINED_TOTAL, registrySql } from './registry.queries';
import type { HouseholdRow, HouseRow, PersonRow } from './registry.types';

/** Who is writing, for the source record of a staff edit, and what they may touch. */
export interface Actor {
  name: string;
  departmentCode?: string | null;
  /** Records outside it behave as if they did not exist; new ones must fall inside it. */
  scope: Scope;
}

/** Fields of a person a staff member may enter or correct. */
export interface PersonFields {
  idNumber?: string | null;
  name?: string;
  gender?: 'MALE' | 'FEMALE' | null;
  birthDate?: string | null;
  ethnicity?: string | null;
  phone?: string | null;
  residenceType?: 'REGISTERED' | 'FLOATING' | null;
  status?: 'ACTIVE' | 'DECEASED' | 'MOVED_OUT';
  areaCode?: string;
  houseId?: number | null;
}

/** Filters for the persons list. */
export interface PersonFilter {
  areaCode?: string | null;
  ageMin?: number | null;
  ageMax?: number | null;
  gender?: 'MALE' | 'FEMALE' | null;
  residenceType?: 'REGISTERED' | 'FLOATING' | null;
  factKind?: string | null;
}

/**
 * Persons (人): validation of what staff enter, writes through the ledger, and reads now or as
 * of an instant.
 */
export class PersonService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly ledger: LedgerService,
    private readonly areas: AreaService,
  ) {}

  /** Persons by id (now, or as of `asOf`), in the order asked; missing ones are null. */
  async byIds(ids: readonly number[], scope: Scope, asOf?: Date | null): Promise<(PersonRow | null)[]> {
    const { rows } = await this.pool.query<PersonRow>(registrySql.personsByIds(ids, asOf ?? null, scope));
    const map = new Map(rows.map((r) => [r.id, { ...r, asOf: asOf ?? null }]));
    return ids.map((id) => map.get(id) ?? null);
  }

  /** The person holding an ID number (after cleaning), or null. */
  async byIdNumber(raw: string, scope: Scope): Promise<PersonRow | null> {
    const idNumber = this.cleanIdNumber(raw, 'idNumber');
    const { rows } = await this.pool.query<PersonRow>(registrySql.personByIdNumber(idNumber, scope));
    return rows[0] ?? null;
  }

  /**
   * One page of persons matching the filter, with the total count. `join` reads the persons'
   * households and houses (reads of now) and the total in the page's own statement, for a caller
   * that knows it will show them (see PersonResolver.persons); `join.slim` leaves out provenance and
   * timestamps, for a request that shows none of them anywhere.
   */
  async list(
    filter: PersonFilter,
    page: PageArgs,
    scope: Scope,
    asOf?: Date | null,
    withTotal = true,
    join: { household: boolean; house: boolean; total?: boolean; slim?: boolean } = {
      household: false,
      house: false,
    },
  ): Promise<
    Page<PersonRow> & {
      totalCount: () => Promise<number>;
      /** The persons' households by id, when joined (`join.household`, reads of now). */
      households?: Map<number, HouseholdRow | null>;
      /** The persons' houses by id, when joined (`join.house`, reads of now). */
      houses?: Map<number, HouseRow | null>;
    }
  > {
    const { limit, afterId } = pageWindow(page);
    const areaCodes = filter.areaCode
      ? await this.areas.subtreeCodes(filter.areaCode, 'filter.areaCode')
      : null;
    const today = asOf ?? new Date();
    const day = isoDay(today);
    if (filter.ageMin != null && filter.ageMax != null && filter.ageMin > filter.ageMax) {
      throw new AppError(
        'VALUE_INVALID',
        'filter.ageMin must not be greater than filter.ageMax',
        'filter.ageMin',
      );
    }
    // age on `day`: born on or before day-minus-ageMin years, after day-minus-(ageMax+1) years
    const bornBefore = filter.ageMin != null ? shiftYears(day, -filter.ageMin) : null;
    const bornAfter = filter.ageMax != null ? addDays(shiftYears(day, -(filter.ageMax + 1)), 1) : null;
    const f = {
      afterId,
      limit: limit + 1,
      areaCodes,
      bornAfter,
      bornBefore,
      gender: filter.gender ?? null,
      residenceType: filter.residenceType ?? null,
      factKind: filter.factKind ?? null,
      day,
      asOf: asOf ?? null,
      scope,
    };
    const joined = asOf ? { household: false, house: false, total: join.total, slim: join.slim } : join;
    // rows as arrays: each value goes straight into the object it belongs to (no row object of
    // every joined column built first and copied out of)
    const { rows, fields } = await this.pool.query<unknown[]>({
      ...registrySql.personsPage(f, false, joined),
      rowMode: 'array',
    });
    const households = joined.household ? new Map<number, HouseholdRow | null>() : undefined;
    const houses = joined.house ? new Map<number, HouseRow | null>() : undefined;
    // which result column goes to which object, worked out once for the statement
    const personCols: [number, string][] = [];
    const householdCols: [number, string][] = [];
    const houseCols: [number, string][] = [];
    let totalCol = -1;
    fields.forEach(({ name }, i) => {
      if (name === JOINED_TOTAL) totalCol = i;
      else if (name.startsWith(JOINED_HOUSEHOLD))
        householdCols.push([i, name.slice(JOINED_HOUSEHOLD.length)]);
      else if (name.startsWith(JOINED_HOUSE)) houseCols.push([i, name.slice(JOINED_HOUSE.length)]);
      else personCols.push([i, name]);
    });
    const build = (r: unknown[], cols: [number, string][], at: Date | null) => {
      const o: Record<string, unknown> = { asOf: at };
      for (const [i, name] of cols) o[name] = r[i];
      return o;
    };
    const persons = rows.map((r) => {
      const p = build(r, personCols, asOf ?? null) as unknown as PersonRow;
      // a household or house outside the scope joins as nulls: the same null its by-id read gives
      // (a household's members share its row: it is built once)
      if (households && p.householdId && !households.has(p.householdId)) {
        const household = build(r, householdCols, null);
        households.set(p.householdId, household.id == null ? null : (household as unknown as HouseholdRow));
      }
      if (houses && p.houseId && !houses.has(p.houseId)) {
        const house = build(r, houseCols, null);
        houses.set(p.houseId, house.id == null ? null : (house as unknown as HouseRow));
      }
      return p;
    });
    const result = toPage<PersonRow>(persons, limit, afterId);
    // the count came with the rows; a page past the end has no row to carry it and counts apart
    let total: Promise<number> | undefined =
      joined.total && rows.length ? Promise.resolve(Number(rows[0][totalCol])) : undefined;
    return {
      ...result,
      households,
      houses,
      totalCount: () =>
        (total ??= withTotal
          ? this.pool
              .query<{ total: number }>(registrySql.personsPage(f, true))
              .then((r) => Number(r.rows[0].total))
          : Promise.resolve(-1)),
    };
  }

  /** Creates a person from a staff member's entry. */
  async create(input: PersonFields & { name: string; areaCode?: string }, actor: Actor): Promise<PersonRow> {
    const values = await this.validate(input, null, actor);
    if (!values.area_code) {
      throw new AppError(
        'VALUE_INVALID',
        'input.areaCode is required (or a houseId whose grid is used)',
        'input.areaCode',
      );
    }
    const area = await this.areas.get(values.area_code as string, 'input.areaCode');
    const districtCode = area.districtCode!;
    const [id] = await this.ledger.allocateIds(this.pool, 'PERSON', 1);
    await this.writeOrConflict(() =>
      this.ledger.record([
        {
          source: staffSource(districtCode, actor, 'createPerson', input),
          writes: [
            { type: 'PERSON', districtCode, id, create: true, values: { status: 'ACTIVE', ...values } },
          ],
        },
      ]),
    );
    return (await this.byIds([id], actor.scope))[0]!;
  }

  /** Corrects fields of a person; `expectedVersion` guards against overwriting someone else's edit. */
  async update(id: number, input: PersonFields, actor: Actor, expectedVersion?: number): Promise<PersonRow> {
    const { current, values } = await this.correction(id, input, actor);
    await this.writeOrConflict(() =>
      this.ledger.record([
        {
          source: staffSource(current.districtCode, actor, 'updatePerson', { id, ...input }),
          writes: [
            {
              type: 'PERSON',
              districtCode: current.districtCode,
              id,
              create: false,
              values,
              expectedVersion,
            },
          ],
        },
      ]),
    );
    return (await this.byIds([id], actor.scope))[0]!;
  }

  /**
   * A staff correction of person `id` as ledger values, checked as updatePerson checks it (the
   * person in the actor's scope and not merged, each field, an area in scope and of the right
   * level, an ID number that agrees with the birth date and gender).
   */
  async correction(
    id: number,
    input: PersonFields,
    actor: Actor,
  ): Promise<{ current: PersonRow; values: Record<string, unknown> }> {
    const current = (await this.byIds([id], actor.scope))[0];
    if (!current || current.status === 'MERGED')
      throw new AppError('PERSON_NOT_FOUND', `no person has id ${id}`, 'id');
    return { current, values: await this.validate(input, current, actor) };
  }

  /** Checks an ID number typed by staff (spaces, full-width digits and lower-case x are forgiven). */
  cleanIdNumber(raw: string, field: string): string {
    const r = normalizeIdNumber(raw);
    if (!r.ok) {
      const reason = (
        [
          'ID_FORMAT_INVALID',
          'ID_CHECKSUM_INVALID',
          'ID_BIRTH_DATE_INVALID',
          'ID_SCIENTIFIC_NOTATION',
        ] as const
      ).find((p) => p === r.problem);
      throw new AppError(reason ?? 'ID_FORMAT_INVALID', r.message, field);
    }
    return r.value;
  }

  /** Turns staff input into ledger column values, checking each field and their agreement. */
  private async validate(
    input: PersonFields,
    current: PersonRow | null,
    actor: Actor,
  ): Promise<Record<string, unknown>> {
    const v: Record<string, unknown> = {};
    if (input.name !== undefined) {
      const r = normalizeName(input.name);
      if (!r.ok) throw new AppError('VALUE_INVALID', `input.name: ${r.message}`, 'input.name');
      v.name = r.value;
    }
    let info: ReturnType<typeof parseIdNumber> | null = null;
    if (input.idNumber !== undefined && input.idNumber !== null) {
      const idNumber = this.cleanIdNumber(input.idNumber, 'input.idNumber');
      try {
        info = parseIdNumber(idNumber);
      } catch (e) {
        if (e instanceof IdNumberError) throw new AppError(e.problem, e.message, 'input.idNumber');
        throw e;
      }
      const { rows } = await this.pool.query<{ id: number }>(registrySql.personIdByIdNumber, [idNumber]);
      if (rows.length > 0 && rows[0].id !== current?.id) {
        throw new AppError('ID_NUMBER_TAKEN', 'another person already has this ID number', 'input.idNumber');
      }
      v.id_number = idNumber;
    } else if (input.idNumber === null) {
      v.id_number = null;
    } else if (current?.idNumber) {
      info = parseIdNumber(current.idNumber);
    }
    if (input.birthDate !== undefined) v.birth_date = input.birthDate;
    if (input.gender !== undefined) v.gender = input.gender;
    if (info) {
      const birth = (v.birth_date ?? current?.birthDate ?? null) as string | null;
      if (birth && birth !== info.birthDate) {
        throw new AppError(
          'BIRTH_DATE_MISMATCH',
          `birth date ${birth} does not match the one in the ID number (${info.birthDate})`,
          input.birthDate !== undefined ? 'input.birthDate' : 'input.idNumber',
        );
      }
      const gender = (v.gender ?? current?.gender ?? null) as string | null;
      if (gender && gender !== info.gender) {
        throw new AppError(
          'GENDER_MISMATCH',
          `gender ${gender} does not match the ID number, which says ${info.gender}`,
          input.gender !== undefined ? 'input.gender' : 'input.idNumber',
        );
      }
      v.birth_date ??= current?.birthDate ?? info.birthDate;
      v.gender ??= current?.gender ?? info.gender;
    }
    if (typeof v.birth_date === 'string' && v.birth_date > isoDay(new Date())) {
      throw new AppError('VALUE_INVALID', 'input.birthDate lies in the future', 'input.birthDate');
    }
    if (input.ethnicity !== undefined && input.ethnicity !== null) {
      const r = normalizeEthnicity(input.ethnicity);
      if (!r.ok) throw new AppError('VALUE_INVALID', `input.ethnicity: ${r.message}`, 'input.ethnicity');
      v.ethnicity = r.value;
    } else if (input.ethnicity === null) v.ethnicity = null;
    if (input.phone !== undefined && input.phone !== null) {
      const r = normalizePhone(input.phone);
      if (!r.ok) throw new AppError('VALUE_INVALID', `input.phone: ${r.message}`, 'input.phone');
      v.phone = r.value;
    } else if (input.phone === null) v.phone = null;
    if (input.residenceType !== undefined) v.residence_type = input.residenceType;
    if (input.status !== undefined) v.status = input.status;
    if (input.houseId != null) {
      const { rows } = await this.pool.query(registrySql.housesByIds([input.houseId], null, actor.scope));
      if (!rows[0])
        throw new AppError('HOUSE_NOT_FOUND', `no house has id ${input.houseId}`, 'input.houseId');
    }
    if (input.houseId !== undefined) v.house_id = input.houseId;
    if (input.areaCode !== undefined) {
      const area = await this.areas.get(input.areaCode, 'input.areaCode');
      // an area outside the writer's scope is answered as if it did not exist
      if (!areaInScope(this.areas, actor.scope, area.code))
        throw new AppError('AREA_UNKNOWN', `no area has code ${input.areaCode}`, 'input.areaCode');
      if (area.level !== 'COMMUNITY' && area.level !== 'GRID') {
        throw new AppError(
          'AREA_LEVEL_INVALID',
          `a person belongs to a community or grid, not a ${area.level.toLowerCase()}`,
          'input.areaCode',
        );
      }
      if (current && area.districtCode !== current.districtCode) {
        throw new AppError(
          'DISTRICT_MISMATCH',
          'moving a person to another district is a move-out and a new registration',
          'input.areaCode',
        );
      }
      v.area_code = area.code;
    }
    return v;
  }

  private async writeOrConflict<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const pgErr = e as { code?: string; constraint?: string };
      if (pgErr.code === '23505' && pgErr.constraint === 'person_id_number_key') {
        throw new AppError('ID_NUMBER_TAKEN', 'another person already has this ID number', 'input.idNumber');
      }
      throw e;
    }
  }
}

/** The source record of a staff edit: the mutation's arguments as received. */
export function staffSource(
  districtCode: string,
  actor: Actor,
  operation: string,
  args: object,
): SourceInput {
  return {
    districtCode,
    kind: 'STAFF_EDIT',
    departmentCode: actor.departmentCode ?? null,
    actor: actor.name,
    raw: { operation, ...args },
  };
}

/** YYYY-MM-DD of an instant in China Standard Time. */
export function isoDay(d: Date): string {
  return new Date(d.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

/** The same calendar day `years` later (earlier when negative); 29 February falls back to the 28th. */
export function shiftYears(day: string, years: number): string {
  const y = Number(day.slice(0, 4)) + years;
  let md = day.slice(4);
  if (md === '-02-29') md = '-02-28';
  return `${String(y).padStart(4, '0')}${md}`;
}

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
