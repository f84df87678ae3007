import { broadTestViewer, openTestApi, TestApi } from '../../../test/harness';
import { buildPerson, buildTerritory, T } from '../../../test/factories';
import { findPersonalData } from '../../auth/pii-scan';
import { makeIdNumber } from '../../normalize/id-number';
import { toGlobalId } from '../../graphql/global-id';

/**
 * Free text returned to clients (case descriptions, reasons, handling notes, rating comments,
 * fact details, change history) with the ID numbers and phone numbers typed into it masked, and
 * unmasked only with pii:unmask and a purpose, audited like the structured fields.
 */
let api: TestApi;
const ID = makeIdNumber('610902', '1968-03-15', 41, 'FEMALE');
const ID_WIDE = ID.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
const DESCRIPTION = `马蜂窝，联系人身份证${ID_WIDE}，电话138 1234 5678`;
const REASON = '重复上报，已电话13912345678告知';
const NOTE = '转交，核实人 +86-137-0000-1234';
const COMMENT = '满意，有事打15800001111';
const ATTRIBUTES = { level: 'A', 备注: `监护人${ID}` };
let rejected: string;
let rated: string;
let fact: string;

beforeAll(async () => {
  api = await openTestApi();
  await buildTerritory(api.services);
  const actor = broadTestViewer('text-writer');
  const cases = api.services.cases;
  const report = (description: string) =>
    cases.report({ categoryCode: 'L0201', description, location: T.inA1, channel: 'APP' }, actor);
  const a = await report(DESCRIPTION);
  await cases.transition({ caseId: a.id, action: 'REJECT', note: REASON }, actor);
  rejected = toGlobalId('Case', a.id);
  const b = await report('路灯不亮');
  for (const action of ['FILE', 'DISPATCH', 'CLAIM', 'START', 'RESOLVE', 'CHECK', 'CLOSE'])
    await cases.transition(
      { caseId: b.id, action: action as never, note: action === 'FILE' ? NOTE : '处理', approver: '主任' },
      actor,
    );
  await cases.rate({ caseId: b.id, score: 5, comment: COMMENT }, actor);
  rated = toGlobalId('Case', b.id);
  const person = await buildPerson(api.services, { areaCode: T.gridA1 });
  const r = await api.exec(`mutation($i: RecordFactInput!) { recordFact(input: $i) { fact { id } } }`, {
    i: {
      personId: toGlobalId('Person', person.id),
      kind: 'MINIMUM_LIVING',
      validFrom: '2024-01-01',
      attributes: ATTRIBUTES,
    },
  });
  expect(r.errors).toBeUndefined();
  fact = r.data!.recordFact.fact.id;
}, 60_000);
afterAll(() => api.close());

const QUERY = (why: string) => `query($a: ID!, $b: ID!, $f: ID!) {
  a: node(id: $a) { ... on Case { description${why} invalidReason${why} transitions { note${why} }
    history { fields { field oldValue newValue } } } }
  b: node(id: $b) { ... on Case { ratingComment${why} transitions { note${why} } } }
  f: node(id: $f) { ... on Fact { attributes${why} } }
}`;

async function audited(actor: string, operation: string, target: string, outcome: string) {
  const { rowCount } = await api.services.pool.query(
    `SELECT 1 FROM audit_log WHERE actor_name = $1 AND operation = $2 AND target = $3 AND outcome = $4
        AND purpose = '入户走访核实'`,
    [actor, operation, target, outcome],
  );
  return rowCount;
}

describe('free text carrying personal data', () => {
  it('is masked for a viewer who states no purpose, history included', async () => {
    const viewer = await api.viewer('COMMUNITY_STAFF', [T.communityA], null, 'staff-plain');
    const r = await api.execAs(viewer, QUERY(''), { a: rejected, b: rated, f: fact });
    expect(r.errors).toBeUndefined();
    const { a, b, f } = r.data as any;
    expect(a.description).toBe(`马蜂窝，联系人身份证610902********${ID.slice(14)}，电话138****5678`);
    expect(a.invalidReason).toBe('重复上报，已电话139****5678告知');
    expect(a.transitions.map((t: { note: string | null }) => t.note)).toContain(
      '重复上报，已电话139****5678告知',
    );
    expect(b.transitions.map((t: { note: string | null }) => t.note)).toContain('转交，核实人 137****1234');
    expect(b.ratingComment).toBe('满意，有事打158****1111');
    expect(f.attributes).toEqual({ level: 'A', 备注: `监护人610902********${ID.slice(14)}` });
    const descriptionChange = a.history
      .flatMap((h: { fields: { field: string; newValue: unknown }[] }) => h.fields)
      .find((c: { field: string }) => c.field === 'description');
    expect(descriptionChange.newValue).toBe(a.description);
    expect(findPersonalData(JSON.stringify(r.data))).toEqual([]);
  });

  it('is returned as written with pii:unmask and a purpose, each read in the audit log', async () => {
    const viewer = await api.viewer('COMMUNITY_STAFF', [T.communityA], null, 'staff-purpose');
    const why = '(purpose: "入户走访核实")';
    const r = await api.execAs(viewer, QUERY(why), { a: rejected, b: rated, f: fact });
    expect(r.errors).toBeUndefined();
    const { a, b, f } = r.data as any;
    expect(a.description).toBe(DESCRIPTION);
    expect(a.invalidReason).toBe(REASON);
    expect(b.ratingComment).toBe(COMMENT);
    expect(b.transitions.map((t: { note: string | null }) => t.note)).toContain(NOTE);
    expect(f.attributes).toEqual(ATTRIBUTES);
    // the change history is never unmasked
    expect(findPersonalData(JSON.stringify(a.history))).toEqual([]);
    for (const [operation, target] of [
      ['unmask Case.description', rejected],
      ['unmask Case.invalidReason', rejected],
      ['unmask CaseTransition.note', rejected],
      ['unmask Case.ratingComment', rated],
      ['unmask CaseTransition.note', rated],
      ['unmask Fact.attributes', fact],
    ])
      expect({
        operation,
        target,
        audited: ((await audited('staff-purpose', operation, target, 'SUCCESS')) ?? 0) > 0,
      }).toEqual({
        operation,
        target,
        audited: true,
      });
  });

  it('is refused to a viewer without pii:unmask who states a purpose, and the refusal is recorded', async () => {
    const viewer = await api.viewer('GRID_WORKER', [T.gridA1], null, 'grid-purpose');
    const r = await api.execAs(
      viewer,
      `query($a: ID!) { node(id: $a) { ... on Case { description(purpose: "入户走访核实") } } }`,
      {
        a: rejected,
      },
    );
    expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(findPersonalData(JSON.stringify(r.data))).toEqual([]);
    expect(await audited('grid-purpose', 'unmask Case.description', rejected, 'DENIED')).toBe(1);
  });
});
