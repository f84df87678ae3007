/**
 * Standing cohorts (重点人群), each defined once as a query over the ledger as of an instant.
 * Every query yields (district_code, person_id, area_code) for persons who qualify at $1 (the
 * evaluation instant) on $2 (that instant's China calendar day); the cohort service counts,
 * lists and diffs them, so a new cohort is a new entry here.
 */
export interface CohortDefinition {
  id: string;
  name: string;
  description: string;
  /** The notice outreach sends by default ({name} is replaced by the person's name). */
  defaultTemplate: string;
  sql: string;
}

const persons = `SELECT x.district_code, x.id AS person_id, x.area_code, x.birth_date, x.name
                 FROM report_person_as_of($1) x WHERE x.status = 'ACTIVE'`;

/** The first day of the school year a child enrols in: the next 1 September on or after $2. */
const nextSeptember = `make_date(extract(year FROM $2::date)::int + CASE WHEN $2::date > make_date(extract(year FROM $2::date)::int, 9, 1) THEN 1 ELSE 0 END, 9, 1)`;

/** Every standing cohort, by id. */
export const COHORTS: readonly CohortDefinition[] = [
  {
    id: 'school-entry',
    name: '适龄入学儿童',
    description:
      'children who turn 6 before 1 September of the coming school year (born from 1 September seven years before to 31 August six years before)',
    defaultTemplate: '{name}家长您好：孩子今年已到入学年龄，请于规定时间内到社区或学校办理小学入学登记。',
    sql: `SELECT p.district_code, p.person_id, p.area_code FROM (${persons}) p
          WHERE p.birth_date >= (${nextSeptember} - interval '7 years')::date
            AND p.birth_date < (${nextSeptember} - interval '6 years')::date`,
  },
  {
    id: 'elderly-without-pension',
    name: '60岁以上未参加养老保险人员',
    description: 'residents aged 60 or over with no pension insurance (养老保险) fact valid on the day',
    defaultTemplate:
      '{name}您好：您尚未参加基本养老保险，可到社区便民服务站咨询城乡居民养老保险参保及待遇领取。',
    sql: `SELECT p.district_code, p.person_id, p.area_code FROM (${persons}) p
          WHERE p.birth_date <= ($2::date - interval '60 years')::date
            AND NOT EXISTS (
              SELECT 1 FROM report_fact_as_of($1) f
              WHERE f.district_code = p.district_code AND f.person_id = p.person_id AND f.kind = 'PENSION_INSURANCE'
                AND f.status = 'ACTIVE' AND f.valid_from <= $2::date AND (f.valid_to IS NULL OR f.valid_to >= $2::date))`,
  },
  {
    id: 'elderly-health-check-due',
    name: '应体检老年人',
    description:
      'residents aged 65 or over with no health check (HEALTH_CHECK fact) in the 12 months up to the day',
    defaultTemplate: '{name}您好：您本年度的免费老年人健康体检尚未进行，请携带身份证到社区卫生服务中心体检。',
    sql: `SELECT p.district_code, p.person_id, p.area_code FROM (${persons}) p
          WHERE p.birth_date <= ($2::date - interval '65 years')::date
            AND NOT EXISTS (
              SELECT 1 FROM report_fact_as_of($1) f
              WHERE f.district_code = p.district_code AND f.person_id = p.person_id AND f.kind = 'HEALTH_CHECK'
                AND f.status = 'ACTIVE' AND f.valid_from <= $2::date AND f.valid_from > ($2::date - interval '12 months')::date)`,
  },
];
