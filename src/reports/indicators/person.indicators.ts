import { z } from 'zod';
import type { IndicatorDef, IndicatorFamily, SourceNeeds } from './indicator.types';
import type { SqlParams } from './sql-params';

const factKind = z.string().regex(/^[A-Z_]+$/, 'a fact kind code such as MINIMUM_LIVING');

const personFilterShape = {
  gender: z.enum(['MALE', 'FEMALE']).optional(),
  residenceType: z.enum(['REGISTERED', 'FLOATING']).optional(),
  /** Age on the period's last day, inclusive. */
  minAge: z.number().int().min(0).max(150).optional(),
  maxAge: z.number().int().min(0).max(150).optional(),
  /** A fact of this kind is active on the period's last day... */
  fact: factKind.optional(),
  /** ...and its attributes contain these values (e.g. {"type": "城镇职工"}). */
  factAttributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** No fact of this kind is active on the period's last day. */
  withoutFact: factKind.optional(),
};

/** Filters on persons as of the period end that form columns combine freely. */
export const personFilter = z
  .object(personFilterShape)
  .strict()
  .refine((a) => !a.factAttributes || a.fact, { message: 'factAttributes needs fact' });

/** Arguments of the person filter. */
export type PersonFilter = z.infer<typeof personFilter>;

/**
 * Persons as of the period end (status ACTIVE as recorded at the as-of instant), mapped to their
 * row through the leaf → row parameter arrays. Facts valid on the period's last day are reduced
 * to one row per person with the flags and sums the columns asked for, so a form reads the
 * persons and the facts once whatever its number of columns.
 */
export const personFamily: IndicatorFamily = {
  id: 'person',
  source(p: SqlParams, needs: SourceNeeds) {
    const kinds = needs.kinds();
    const flags = [...needs.flags.values()];
    const sums = [...needs.sums.values()];
    const aggs = [
      ...flags.map(
        (f) =>
          `bool_or(f.kind = ${p.add(f.kind)}${f.attributes ? ` AND f.attributes @> ${p.add(JSON.stringify(f.attributes), 'jsonb')}` : ''}) AS ${f.alias}`,
      ),
      ...sums.map(
        (f) =>
          `sum((f.attributes ->> ${p.add(f.attribute)})::numeric) FILTER (WHERE f.kind = ${p.add(f.kind)}) AS ${f.alias}`,
      ),
    ];
    // when every column requires some fact, only persons having it can count: join, don't scan all
    const required = needs.required.map((r) => r.replace(/^b\./, 'fa.'));
    const facts = kinds.length
      ? `${required.length ? 'JOIN' : 'LEFT JOIN'} (
           SELECT f.district_code, f.person_id, ${aggs.join(', ')}
           FROM report_fact_as_of($1) f
           WHERE f.status = 'ACTIVE' AND f.kind = ANY(${p.add(kinds, 'text[]')})
             AND f.valid_from <= $2::date AND (f.valid_to IS NULL OR f.valid_to >= $2::date)
           GROUP BY f.district_code, f.person_id
         ) fa ON fa.district_code = x.district_code AND fa.person_id = x.id`
      : '';
    const cols = [...flags, ...sums].map((f) => `, fa.${f.alias}`).join('');
    return `SELECT x.id, x.household_id, x.gender, x.residence_type,
                   x.birth_date, m.row_code${cols}
            FROM report_person_as_of($1) x
            JOIN unnest($4::text[], $5::text[]) AS m(leaf, row_code) ON m.leaf = x.area_code
            ${facts}
            WHERE x.status = 'ACTIVE'${required.map((r) => ` AND ${r}`).join('')}`;
  },
};

/** The fact flags a person filter requires to be true. */
export function requiredFlags(a: PersonFilter, needs: SourceNeeds): string[] {
  return a.fact ? [needs.factFlag(a.fact, a.factAttributes ?? null)] : [];
}

/** The SQL condition of a person filter over the person family's rows. */
export function personCondition(a: PersonFilter, p: SqlParams, needs: SourceNeeds): string {
  const c: string[] = [];
  if (a.gender) c.push(`b.gender = ${p.add(a.gender, 'gender')}`);
  if (a.residenceType) c.push(`b.residence_type = ${p.add(a.residenceType, 'residence_type')}`);
  // age on the last day ≥ n  ⇔  born on or before the last day minus n years
  if (a.minAge !== undefined)
    c.push(`b.birth_date <= ($2::date - make_interval(years => ${p.add(a.minAge, 'int')}))::date`);
  if (a.maxAge !== undefined)
    c.push(`b.birth_date > ($2::date - make_interval(years => ${p.add(a.maxAge + 1, 'int')}))::date`);
  if (a.fact) c.push(`coalesce(${needs.factFlag(a.fact, a.factAttributes ?? null)}, false)`);
  if (a.withoutFact) c.push(`NOT coalesce(${needs.factFlag(a.withoutFact)}, false)`);
  return c.length ? c.join(' AND ') : 'TRUE';
}

/** Persons meeting a filter (人). */
export const personsIndicator: IndicatorDef<PersonFilter> = {
  name: 'persons',
  family: personFamily,
  entity: 'PERSON',
  description: 'persons (ACTIVE as of the period end) meeting the filter',
  args: personFilter,
  compile: (a, p, needs) => ({
    condition: personCondition(a, p, needs),
    entity: 'b.id',
    measure: 'count',
    requires: requiredFlags(a, needs),
  }),
};

/** Households with at least one member meeting a filter (户). */
export const householdsIndicator: IndicatorDef<PersonFilter> = {
  name: 'households',
  family: personFamily,
  entity: 'HOUSEHOLD',
  description: 'households with at least one member meeting the filter',
  args: personFilter,
  compile: (a, p, needs) => ({
    condition: `b.household_id IS NOT NULL AND ${personCondition(a, p, needs)}`,
    entity: 'b.household_id',
    measure: 'countDistinct',
    requires: requiredFlags(a, needs),
  }),
};

const factAmountArgs = z
  .object({ ...personFilterShape, fact: factKind, attribute: z.string().regex(/^[A-Za-z]+$/) })
  .strict();

/** The sum of a numeric attribute of an active fact (e.g. 低保 monthly amount) over persons. */
export const factAmountIndicator: IndicatorDef<z.infer<typeof factAmountArgs>> = {
  name: 'factAmount',
  family: personFamily,
  entity: 'PERSON',
  description: "the sum of a numeric attribute of the persons' facts of a kind active on the last day",
  args: factAmountArgs,
  compile: (a, p, needs) => {
    const { attribute, ...filter } = a;
    return {
      condition: personCondition(filter, p, needs),
      entity: 'b.id',
      measure: 'sum',
      value: needs.factSum(a.fact, attribute),
      requires: requiredFlags(filter, needs),
    };
  },
};
