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
 * row through the leaf → row parameter arrays, with the facts valid on the period's last day.
 */
export const personFamily: IndicatorFamily = {
  id: 'person',
  source(p: SqlParams, needs: SourceNeeds) {
    const kinds = [...needs.factKinds].sort();
    const facts = kinds.length
      ? `LEFT JOIN (
           SELECT f.district_code, f.person_id, array_agg(f.kind) AS kinds,
                  jsonb_agg(jsonb_build_object('kind', f.kind, 'attributes', f.attributes)) AS facts
           FROM fact_as_of($1) f
           WHERE f.status = 'ACTIVE' AND f.kind = ANY(${p.add(kinds, 'text[]')})
             AND f.valid_from <= $2::date AND (f.valid_to IS NULL OR f.valid_to >= $2::date)
           GROUP BY f.district_code, f.person_id
         ) fa ON fa.district_code = x.district_code AND fa.person_id = x.id`
      : '';
    return `SELECT x.id, x.household_id, x.gender::text AS gender, x.residence_type::text AS residence_type,
                   x.birth_date, m.row_code, ${kinds.length ? 'fa.kinds, fa.facts' : 'NULL::text[] AS kinds, NULL::jsonb AS facts'}
            FROM person_as_of($1) x
            JOIN unnest($4::text[], $5::text[]) AS m(leaf, row_code) ON m.leaf = x.area_code
            ${facts}
            WHERE x.status = 'ACTIVE'`;
  },
};

function needsOf(a: PersonFilter, needs: SourceNeeds): void {
  if (a.fact) needs.factKinds.add(a.fact);
  if (a.withoutFact) needs.factKinds.add(a.withoutFact);
}

/** The SQL condition of a person filter over the person family's rows. */
export function personCondition(a: PersonFilter, p: SqlParams): string {
  const c: string[] = ['TRUE'];
  if (a.gender) c.push(`b.gender = ${p.add(a.gender)}`);
  if (a.residenceType) c.push(`b.residence_type = ${p.add(a.residenceType)}`);
  // age on the last day ≥ n  ⇔  born on or before the last day minus n years
  if (a.minAge !== undefined)
    c.push(`b.birth_date <= ($2::date - make_interval(years => ${p.add(a.minAge, 'int')}))::date`);
  if (a.maxAge !== undefined)
    c.push(`b.birth_date > ($2::date - make_interval(years => ${p.add(a.maxAge + 1, 'int')}))::date`);
  if (a.fact && a.factAttributes)
    c.push(`b.facts @> ${p.add(JSON.stringify([{ kind: a.fact, attributes: a.factAttributes }]), 'jsonb')}`);
  else if (a.fact) c.push(`${p.add(a.fact)} = ANY(b.kinds)`);
  if (a.withoutFact) c.push(`NOT coalesce(${p.add(a.withoutFact)} = ANY(b.kinds), false)`);
  return c.join(' AND ');
}

/** Persons meeting a filter (人). */
export const personsIndicator: IndicatorDef<PersonFilter> = {
  name: 'persons',
  family: personFamily,
  entity: 'PERSON',
  description: 'persons (ACTIVE as of the period end) meeting the filter',
  args: personFilter,
  needs: needsOf,
  compile: (a, p) => ({ condition: personCondition(a, p), entity: 'b.id', measure: 'count' }),
};

/** Households with at least one member meeting a filter (户). */
export const householdsIndicator: IndicatorDef<PersonFilter> = {
  name: 'households',
  family: personFamily,
  entity: 'HOUSEHOLD',
  description: 'households with at least one member meeting the filter',
  args: personFilter,
  needs: needsOf,
  compile: (a, p) => ({
    condition: `b.household_id IS NOT NULL AND ${personCondition(a, p)}`,
    entity: 'b.household_id',
    measure: 'countDistinct',
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
  needs: needsOf,
  compile: (a, p) => {
    const { attribute, ...filter } = a;
    return {
      condition: personCondition(filter, p),
      entity: 'b.id',
      measure: 'sum',
      value: `(SELECT sum((e -> 'attributes' ->> ${p.add(attribute)})::numeric) FROM jsonb_array_elements(b.facts) e
               WHERE e ->> 'kind' = ${p.add(a.fact)})`,
    };
  },
};
