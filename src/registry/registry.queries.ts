import { createHash } from 'node:crypto';
import { areaScopeSql, departmentScopeSql, Scope } from '../auth/scope';
import { ENTITIES, type EntitySpec, provenanceSql } from '../ledger/entities';

/**
 * Reads of the registry (persons, households, houses, things, facts). Reads of "now" never touch
 * the change log; reads "as of" go through the <table>_as_of() functions of the migration.
 */

/** Columns as [SQL expression over table alias `t`, result name]. */
type Columns = (t: string) => [string, string][];

/**
 * A ledger table's columns: its own between the ones every ledger table has (district and id
 * first; area, provenance, version and timestamps last).
 */
const ledgerColumns =
  (spec: EntitySpec, own: Columns): Columns =>
  (t) => [
    [`${t}.district_code`, 'districtCode'],
    [`${t}.id`, 'id'],
    ...own(t),
    [`${t}.area_code`, 'areaCode'],
    [provenanceSql(spec, t), 'provenance'],
    [`${t}.version`, 'version'],
    [`${t}.created_at`, 'createdAt'],
    [`${t}.updated_at`, 'updatedAt'],
  ];

const personColumns = ledgerColumns(ENTITIES.PERSON, (t) => [
  [`${t}.id_number`, 'idNumber'],
  [`${t}.name`, 'name'],
  [`${t}.gender::text`, 'gender'],
  [`${t}.birth_date`, 'birthDate'],
  [`${t}.ethnicity`, 'ethnicity'],
  [`${t}.phone`, 'phone'],
  [`${t}.residence_type::text`, 'residenceType'],
  [`${t}.status::text`, 'status'],
  [`${t}.merged_into_id`, 'mergedIntoId'],
  [`${t}.household_id`, 'householdId'],
  [`${t}.relation_to_head`, 'relationToHead'],
  [`${t}.house_id`, 'houseId'],
]);

const householdColumns = ledgerColumns(ENTITIES.HOUSEHOLD, (t) => [
  [`${t}.household_number`, 'householdNumber'],
  [`${t}.head_person_id`, 'headPersonId'],
  [`${t}.house_id`, 'houseId'],
]);

const houseColumns = ledgerColumns(ENTITIES.HOUSE, (t) => [
  [`${t}.code`, 'code'],
  [`${t}.street_name`, 'streetName'],
  [`${t}.street_number`, 'streetNumber'],
  [`${t}.building`, 'building'],
  [`${t}.unit`, 'unit'],
  [`${t}.room`, 'room'],
  [`${t}.address`, 'address'],
  [`${t}.use::text`, 'use'],
  [`${t}.floors`, 'floors'],
  [`${t}.owner_name`, 'ownerName'],
  [`ST_X(${t}.location)`, 'lon'],
  [`ST_Y(${t}.location)`, 'lat'],
]);

/** A select list; `prefix` goes before every result name (e.g. "household." for a joined row). */
function selectList(columns: [string, string][], prefix = ''): string {
  return columns.map(([expr, name]) => `${expr} AS "${prefix}${name}"`).join(', ');
}

/**
 * Columns a page may leave out when nothing in the request shows them (`slim`): a row's provenance
 * (a JSON document PostgreSQL must print and the server parse) and its timestamps.
 */
const SLIM_LEAVES_OUT = new Set(['provenance', 'createdAt', 'updatedAt']);
const slimmed = (columns: [string, string][], slim: boolean) =>
  slim ? columns.filter(([, name]) => !SLIM_LEAVES_OUT.has(name)) : columns;

const personCols = selectList(personColumns('p'));
const householdCols = selectList(householdColumns('h'));
const houseCols = selectList(houseColumns('h'));

/** Result-name prefixes of the household and house joined into a persons page (see `personsPage`). */
export const JOINED_HOUSEHOLD = 'household.';
export const JOINED_HOUSE = 'house.';
/** Result name of the total count carried on every row of a persons page (see `personsPage`). */
export const JOINED_TOTAL = 'page.total';

const thingCols = `t.district_code AS "districtCode", t.id, t.code, t.category, t.name, t.status::text AS status,
  t.department_code AS "departmentCode", ST_X(t.location) AS lon, ST_Y(t.location) AS lat, t.area_code AS "areaCode",
  ${provenanceSql(ENTITIES.THING, 't')} AS provenance, t.version, t.created_at AS "createdAt", t.updated_at AS "updatedAt"`;

const factCols = `f.district_code AS "districtCode", f.id, f.person_id AS "personId", f.kind,
  f.department_code AS "departmentCode", f.valid_from AS "validFrom", f.valid_to AS "validTo", f.attributes,
  f.status::text AS status, ${provenanceSql(ENTITIES.FACT, 'f')} AS provenance, f.version, f.created_at AS "createdAt", f.updated_at AS "updatedAt"`;

/**
 * A statement with its parameters, and the name it is prepared under on each connection (see
 * `SqlParams.query`).
 */
export interface SqlQuery {
  text: string;
  values: unknown[];
  name?: string;
}

/** Names of the statement texts seen so far (a text's name is a digest of it; bounded). */
const statementNames = new Map<string, string>();

/**
 * The name a statement text is prepared under: the same text always gets the same name, so each
 * connection parses and plans it once and PostgreSQL may keep a generic plan for it.
 */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `r_${createHash('sha1').update(text).digest('base64url')}`;
    if (statementNames.size >= 1000) statementNames.clear();
    statementNames.set(text, name);
  }
  return name;
}

/** Collects parameters while a filtered statement is built, so only the filters given appear in it. */
export class SqlParams {
  private readonly values: unknown[] = [];

  /** Adds a value and returns its placeholder ($n). */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /**
   * The finished statement, as a named (prepared) statement. The text holds only placeholders, never
   * values, and is built from a fixed set of filters, so the texts are few: a connection parses and
   * plans each once instead of for every request (on the persons page that was ≈ 2.5 ms of
   * PostgreSQL's CPU a request, bench/RESULTS.md).
   */
  query(text: string): SqlQuery {
    return { name: statementName(text), text, values: this.values };
  }
}

/** Filters of a persons page, already resolved to SQL-ready values. */
export interface PersonPageFilter {
  afterId: number;
  limit: number;
  /** The filter area and every area below it (AreaService.subtreeCodes). */
  areaCodes: string[] | null;
  bornAfter: string | null;
  bornBefore: string | null;
  gender: string | null;
  residenceType: string | null;
  factKind: string | null;
  /** The day facts must be valid on. */
  day: string;
  asOf: Date | null;
  scope: Scope;
}

/**
 * The count of the rows of `source` matching `where`, in which `where[scopeAt]` is the viewer's
 * area-scope condition (`areaScopeSql`). When no row of `table` lies outside the scope (`live`
 * narrows which rows count; `nullableArea` when a row may have no area, which no scope holds) —
 * a district's viewer in a district's database — that condition keeps every row and only costs a
 * join of every row with the area tree, so the statement counts without it: decided by the
 * statement, against the areas and rows as they are; PostgreSQL runs only the branch it takes.
 * (Persons of 100,000: 8.9 → 3.9 ms per count; 38,112 houses: 5.8 → 3.4 ms, round trip included.)
 */
function scopeAwareCount(
  q: SqlParams,
  scope: Scope,
  source: string,
  where: string[],
  scopeAt: number,
  table: { name: string; live?: string; nullableArea?: boolean },
): string {
  const plain = `SELECT count(*)::bigint AS total FROM ${source} WHERE ${where.join(' AND ')}`;
  if (scope.areaPaths === null) return plain;
  const paths = q.add(scope.areaPaths);
  const live = table.live ? ` AND ${table.live}` : '';
  const unscoped = where.filter((_, i) => i !== scopeAt);
  const outside = [
    `EXISTS (SELECT 1 FROM area a WHERE NOT a.path <@ ANY(${paths}::ltree[])
       AND EXISTS (SELECT 1 FROM ${table.name} o WHERE o.area_code = a.code${live}))`,
    ...(table.nullableArea
      ? [`EXISTS (SELECT 1 FROM ${table.name} o WHERE o.area_code IS NULL${live})`]
      : []),
  ];
  return `SELECT CASE WHEN NOT (${outside.join(' OR ')})
      THEN (SELECT count(*)::bigint FROM ${source} WHERE ${unscoped.length ? unscoped.join(' AND ') : 'true'})
      ELSE (SELECT count(*)::bigint FROM ${source} WHERE ${where.join(' AND ')}) END AS total`;
}

/** `FROM` source for a table now, or as of instant $asOf (a parameter placeholder). */
function from(table: string, alias: string, asOfParam: string | null): string {
  return asOfParam ? `${table}_as_of(${asOfParam}::timestamptz) ${alias}` : `${table} ${alias}`;
}

/** `ids` (and `asOf`) with the scope condition on `column`: the shape of every by-id read. */
function byIdsQuery(
  cols: string,
  table: string,
  alias: string,
  ids: readonly number[],
  asOf: Date | null,
  scope: Scope,
  extra = 'true',
): SqlQuery {
  const q = new SqlParams();
  const idp = q.add(ids);
  const a = asOf ? q.add(asOf) : null;
  const add = (v: unknown) => q.add(v);
  return q.query(
    `SELECT ${cols} FROM ${from(table, alias, a ? `${a}::timestamptz` : null)}
     WHERE ${alias}.id = ANY(${idp}::bigint[]) AND ${extra} AND ${areaScopeSql(scope, `${alias}.area_code`, add)}`,
  );
}

/** Facts are visible when their person is in the area scope and their department in the department scope. */
function factScope(scope: Scope, add: (v: unknown) => string, asOf: string | null): string {
  const dept = departmentScopeSql(scope, 'f.department_code', add);
  if (scope.areaPaths === null) return dept;
  return `${dept} AND EXISTS (SELECT 1 FROM ${from('person', 'sp', asOf)} WHERE sp.id = f.person_id
    AND ${areaScopeSql(scope, 'sp.area_code', add)})`;
}

export const registrySql = {
  personsByIds: (ids: readonly number[], asOf: Date | null, scope: Scope) =>
    byIdsQuery(personCols, 'person', 'p', ids, asOf, scope),
  personByIdNumber: (idNumber: string, scope: Scope): SqlQuery => {
    const q = new SqlParams();
    const where = `p.id_number = ${q.add(idNumber)} AND ${areaScopeSql(scope, 'p.area_code', (v) => q.add(v))}`;
    return q.query(`SELECT ${personCols} FROM person p WHERE ${where}`);
  },
  personIdByIdNumber: `SELECT id FROM person WHERE id_number = $1`,
  membersOfHouseholds: (ids: readonly number[], asOf: Date | null, scope: Scope): SqlQuery => {
    const q = new SqlParams();
    const idp = q.add(ids);
    const a = asOf ? q.add(asOf) : null;
    return q.query(`SELECT ${personCols} FROM ${from('person', 'p', a ? `${a}::timestamptz` : null)}
     WHERE p.household_id = ANY(${idp}::bigint[]) AND p.status <> 'MERGED'
       AND ${areaScopeSql(scope, 'p.area_code', (v) => q.add(v))} ORDER BY p.id`);
  },
  householdsByIds: (ids: readonly number[], asOf: Date | null, scope: Scope) =>
    byIdsQuery(householdCols, 'household', 'h', ids, asOf, scope),
  householdIdByNumber: `SELECT id FROM household WHERE district_code = $1 AND household_number = $2`,
  housesByIds: (ids: readonly number[], asOf: Date | null, scope: Scope) =>
    byIdsQuery(houseCols, 'house', 'h', ids, asOf, scope),
  houseIdByCode: `SELECT id FROM house WHERE district_code = $1 AND code = $2`,
  thingsByIds: (ids: readonly number[], scope: Scope) =>
    byIdsQuery(thingCols, 'thing', 't', ids, null, scope),
  factsOfPersons: (ids: readonly number[], asOf: Date | null, scope: Scope): SqlQuery => {
    const q = new SqlParams();
    const idp = q.add(ids);
    const a = asOf ? `${q.add(asOf)}::timestamptz` : null;
    return q.query(`SELECT ${factCols} FROM ${from('fact', 'f', a)}
     WHERE f.person_id = ANY(${idp}::bigint[]) AND ${factScope(scope, (v) => q.add(v), a)} ORDER BY f.valid_from, f.id`);
  },
  factsByIds: (ids: readonly number[], scope: Scope): SqlQuery => {
    const q = new SqlParams();
    const idp = q.add(ids);
    return q.query(
      `SELECT ${factCols} FROM fact f WHERE f.id = ANY(${idp}::bigint[]) AND ${factScope(scope, (v) => q.add(v), null)}`,
    );
  },

  /**
   * A page of persons (or their count) matching the filters; see `SqlParams`. `join` adds each
   * person's household and/or house (columns prefixed JOINED_HOUSEHOLD / JOINED_HOUSE, null when
   * there is none or it lies outside the scope, as their by-id reads would answer; reads of now
   * only) and the count of the whole filter (JOINED_TOTAL) to the same statement, so a page that
   * shows them needs no statement per kind. `join.slim` leaves out what `SLIM_LEAVES_OUT` names, for
   * a request that shows none of it anywhere (see PersonResolver.persons).
   */
  personsPage: (
    f: PersonPageFilter,
    count: boolean,
    join?: { household: boolean; house: boolean; total?: boolean; slim?: boolean },
  ): SqlQuery => {
    const q = new SqlParams();
    const asOf = f.asOf ? q.add(f.asOf) : null;
    const where = [`p.status <> 'MERGED'`, areaScopeSql(f.scope, 'p.area_code', (v) => q.add(v))];
    if (f.areaCodes) where.push(`p.area_code = ANY(${q.add(f.areaCodes)}::text[])`);
    if (f.bornAfter) where.push(`p.birth_date >= ${q.add(f.bornAfter)}::date`);
    if (f.bornBefore) where.push(`p.birth_date <= ${q.add(f.bornBefore)}::date`);
    if (f.gender) where.push(`p.gender = ${q.add(f.gender)}::gender`);
    if (f.residenceType) where.push(`p.residence_type = ${q.add(f.residenceType)}::residence_type`);
    if (f.factKind) {
      const day = q.add(f.day);
      where.push(`EXISTS (SELECT 1 FROM ${from('fact', 'f', asOf ? `${asOf}::timestamptz` : null)}
        WHERE f.district_code = p.district_code AND f.person_id = p.id AND f.kind = ${q.add(f.factKind)}
          AND ${departmentScopeSql(f.scope, 'f.department_code', (v) => q.add(v))}
          AND f.status = 'ACTIVE' AND f.valid_from <= ${day}::date AND (f.valid_to IS NULL OR f.valid_to >= ${day}::date))`);
    }
    const source = from('person', 'p', asOf ? `${asOf}::timestamptz` : null);
    // built where it is used, so that its parameters exist only in a statement that has it
    const counted = () =>
      asOf
        ? `SELECT count(*)::bigint AS total FROM ${source} WHERE ${where.join(' AND ')}`
        : scopeAwareCount(q, f.scope, source, where, 1, {
            name: 'person',
            live: `o.status <> 'MERGED'`,
          });
    if (count) return q.query(counted());
    const slim = !!join?.slim;
    const page = `SELECT ${slim ? selectList(slimmed(personColumns('p'), true)) : personCols} FROM ${source}
       WHERE ${[...where, `p.id > ${q.add(f.afterId)}`].join(' AND ')} ORDER BY p.id LIMIT ${q.add(f.limit)}`;
    const withHousehold = !asOf && !!join?.household;
    const withHouse = !asOf && !!join?.house;
    if (!withHousehold && !withHouse && !join?.total) return q.query(page);
    const add = (v: unknown) => q.add(v);
    const cols = ['pg.*'];
    const joins: string[] = [];
    if (withHousehold) {
      cols.push(selectList(slimmed(householdColumns('hh'), slim), JOINED_HOUSEHOLD));
      joins.push(
        `LEFT JOIN household hh ON hh.id = pg."householdId" AND ${areaScopeSql(f.scope, 'hh.area_code', add)}`,
      );
    }
    if (withHouse) {
      cols.push(selectList(slimmed(houseColumns('hs'), slim), JOINED_HOUSE));
      joins.push(
        `LEFT JOIN house hs ON hs.id = pg."houseId" AND ${areaScopeSql(f.scope, 'hs.area_code', add)}`,
      );
    }
    // the count of the whole filter, computed once for the statement (an uncorrelated subquery)
    if (join?.total) cols.push(`(${counted()}) AS "${JOINED_TOTAL}"`);
    return q.query(`SELECT ${cols.join(', ')} FROM (${page}) pg ${joins.join(' ')} ORDER BY pg.id`);
  },

  /** A page of houses (or their count) in an area subtree and/or inside a GeoJSON polygon. */
  housesPage: (
    f: { afterId: number; limit: number; areaCodes: string[] | null; within: string | null; scope: Scope },
    count: boolean,
  ): SqlQuery => {
    const q = new SqlParams();
    const where = [areaScopeSql(f.scope, 'h.area_code', (v) => q.add(v))];
    if (!count) where.push(`h.id > ${q.add(f.afterId)}`);
    if (f.areaCodes) where.push(`h.area_code = ANY(${q.add(f.areaCodes)}::text[])`);
    if (f.within) {
      const g = `ST_SetSRID(ST_GeomFromGeoJSON(${q.add(f.within)}::text), 4326)`;
      where.push(`h.location && ${g} AND ST_Covers(${g}, h.location)`);
    }
    if (count) return q.query(scopeAwareCount(q, f.scope, 'house h', where, 0, { name: 'house' }));
    return q.query(
      `SELECT ${houseCols} FROM house h WHERE ${where.join(' AND ')} ORDER BY h.id LIMIT ${q.add(f.limit)}`,
    );
  },

  /** A page of things (or their count) by area subtree and category. */
  thingsPage: (
    f: { afterId: number; limit: number; areaCodes: string[] | null; category: string | null; scope: Scope },
    count: boolean,
  ): SqlQuery => {
    const q = new SqlParams();
    const where = [areaScopeSql(f.scope, 't.area_code', (v) => q.add(v))];
    if (!count) where.push(`t.id > ${q.add(f.afterId)}`);
    if (f.areaCodes) where.push(`t.area_code = ANY(${q.add(f.areaCodes)}::text[])`);
    if (f.category) where.push(`t.category = ${q.add(f.category)}`);
    if (count) return q.query(scopeAwareCount(q, f.scope, 'thing t', where, 0, { name: 'thing' }));
    return q.query(
      `SELECT ${thingCols} FROM thing t WHERE ${where.join(' AND ')} ORDER BY t.id LIMIT ${q.add(f.limit)}`,
    );
  },

  /**
   * The ids of a page of cases (or their count) by area subtree and status; the cases themselves are
   * read with their workflow columns by `CaseService.byIds` (src/cases/case.queries.ts).
   */
  casesPage: (
    f: { afterId: number; limit: number; areaPath: string | null; status: string | null; scope: Scope },
    count: boolean,
  ): SqlQuery => {
    const q = new SqlParams();
    const where = [areaScopeSql(f.scope, 'c.area_code', (v) => q.add(v))];
    if (!count) where.push(`c.id > ${q.add(f.afterId)}`);
    if (f.areaPath)
      where.push(`c.area_code IN (SELECT code FROM area WHERE path <@ ${q.add(f.areaPath)}::ltree)`);
    if (f.status) where.push(`c.status = ${q.add(f.status)}::case_status`);
    if (count)
      return q.query(
        scopeAwareCount(q, f.scope, 'civic_case c', where, 0, { name: 'civic_case', nullableArea: true }),
      );
    return q.query(
      `SELECT c.id FROM civic_case c WHERE ${where.join(' AND ')} ORDER BY c.id LIMIT ${q.add(f.limit)}`,
    );
  },

  /** Where each current value of an entity came from. */
  sourcesByIds: `
    SELECT s.id, s.district_code AS "districtCode", s.kind::text AS kind, s.department_code AS "departmentCode",
           s.actor, s.file_name AS "fileName", s.sheet, s.row_number AS "rowNumber", s.received_at AS "receivedAt"
    FROM source_record s WHERE s.id = ANY($1::bigint[])`,

  conflictsOf: `
    SELECT id, field, chosen_value AS "chosenValue", chosen_source_id AS "chosenSourceId", other_value AS "otherValue",
           other_source_id AS "otherSourceId", status::text AS status, created_at AS "createdAt",
           decision::text AS decision, resolved_at AS "resolvedAt"
    FROM conflict WHERE entity_type = $1 AND entity_id = $2 ORDER BY id`,
};
