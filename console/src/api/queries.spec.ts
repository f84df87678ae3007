import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, graphqlSync, parse, validate, visit, type GraphQLSchema } from 'graphql';
import { featuresFromSchema, has, INTROSPECTION, rootField } from './features';
import * as q from './queries';
import { CASE_STATUS, CASE_STATUS_COLOR } from '../labels';

/** The API as committed: the console must only send what this schema accepts. */
const schema: GraphQLSchema = buildSchema(
  fs.readFileSync(path.join(__dirname, '..', '..', '..', 'schema', 'schema.graphql'), 'utf8'),
);

function errorsOf(doc: string): string[] {
  return validate(schema, parse(doc)).map((e) => e.message);
}

describe("the console's GraphQL documents", () => {
  it('are all valid against the committed schema (a breaking API change fails here first)', () => {
    const docs: Record<string, string> = {
      ROOT_AREAS: q.ROOT_AREAS,
      AREAS_UNDER: q.AREAS_UNDER,
      dashboardQuery: q.dashboardQuery(),
      'dashboardQuery(kpis)': q.dashboardQuery(true),
      LOGIN: q.LOGIN,
      REFRESH_SESSION: q.REFRESH_SESSION,
      CASE_UPDATED: q.CASE_UPDATED,
      FORMS: q.FORMS,
      GENERATE_REPORT: q.GENERATE_REPORT,
      REPORT: q.REPORT,
      REPORT_FINISHED: q.REPORT_FINISHED,
      INGEST_RUN: q.INGEST_RUN,
      INGEST_RUNS: q.INGEST_RUNS,
      INGEST_PROGRESS: q.INGEST_PROGRESS,
      REVIEW_QUEUE: q.REVIEW_QUEUE,
      RESOLVE_REVIEW_ITEM: q.RESOLVE_REVIEW_ITEM,
      AREA_CHANGED: q.AREA_CHANGED,
      MAP_QUERY: q.MAP_QUERY,
      RECORD_CHANGED: q.RECORD_CHANGED,
      NODE_SUMMARY: q.NODE_SUMMARY,
      PERSONS_PAGE: q.PERSONS_PAGE,
      PERSON_BY_ID_NUMBER: q.PERSON_BY_ID_NUMBER,
      PERSON_QUERY: q.PERSON_QUERY,
      INTROSPECTION,
    };
    const problems = Object.entries(docs).flatMap(([name, doc]) => errorsOf(doc).map((m) => `${name}: ${m}`));
    expect(problems).toEqual([]);
  });

  it('adds only the stated-purpose argument to the resident query when the server asks for one', () => {
    // Today's schema has no such argument: the one error must be about it, nothing else.
    expect(errorsOf(q.personQuery({ name: 'purpose', type: 'String' }))).toEqual([
      'Unknown argument "purpose" on field "Query.person".',
    ]);
  });

  it('has a Chinese label and a colour for every case status the schema has, and only those', () => {
    const values = (schema.getType('CaseStatus') as unknown as { getValues(): { name: string }[] })
      .getValues()
      .map((v) => v.name)
      .sort();
    expect(Object.keys(CASE_STATUS).sort()).toEqual(values);
    expect(Object.keys(CASE_STATUS_COLOR).sort()).toEqual(values);
  });

  it('ask for the dashboard and the map shading without one alias per area (the server allows 30)', () => {
    const aliases = (doc: string) => {
      let n = 0;
      visit(parse(doc), { Field: (f) => void (f.alias && n++) });
      return n;
    };
    expect(aliases(q.dashboardQuery())).toBe(0);
    expect(aliases(q.dashboardQuery(true))).toBe(0);
    expect(aliases(q.MAP_QUERY)).toBe(0);
  });

  it('would catch a field the schema does not have', () => {
    const errors = errorsOf('{ persons { edges { node { shoeSize } } } }');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^Cannot query field "shoeSize" on type "Person"/);
  });
});

describe('feature detection from introspection', () => {
  const introspected = graphqlSync({ schema, source: INTROSPECTION });
  const features = featuresFromSchema(
    (introspected.data as { __schema: Parameters<typeof featuresFromSchema>[0] }).__schema,
  );

  it("finds today's operations, ingest included", () => {
    expect(has(features, 'Query.persons', 'Query.cases', 'Subscription.recordChanged')).toBe(true);
    expect(has(features, 'Query.forms')).toBe(true); // the reports module has landed
    expect(has(features, 'Query.ingestRun', 'Subscription.ingestProgress')).toBe(true); // ingest has landed
    expect(
      rootField(features, 'Subscription.recordChanged')
        ?.args.map((a) => a.name)
        .sort(),
    ).toEqual(['areaCode', 'types']);
  });
});
