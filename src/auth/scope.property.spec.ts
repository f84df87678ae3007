import fc from 'fast-check';
import { broadTestViewer, openTestDb, TestDb } from '../../test/harness';
import { testLog } from '../../test/log-capture';
import { fromGlobalId, toGlobalId } from '../graphql/global-id';
import { seedDistrict } from '../seed/seed.service';
import { RunningServer, startServer } from '../server';
import { findPersonalData } from './pii-scan';
import { ROLE_PERMISSIONS, Role } from './roles';
import { areaInScope, scopeOf } from './scope';

/**
 * Random scoped accounts run random queries over the fixture district through the real server:
 * no record outside the account's scope comes back (whatever is asked: lists, filters, node(id),
 * ID-number lookups, nested households and facts), no ID number or phone comes back unmasked
 * without pii:unmask and a purpose, and every unmasked value is in the audit log. Some cases and
 * facts carry residents' ID numbers and phones inside free text (descriptions, handling notes,
 * reasons, rating comments, fact details), written as people type them: those must not come
 * back readable either.
 */
let db: TestDb;
let server: RunningServer;
const areaOf = new Map<string, string | null>(); // global id → area code (facts: their person's)
const deptOf = new Map<string, string | null>(); // fact global id → department
const secrets = new Map<string, string>(); // unmasked value → global id of its record
const embedded = new Map<string, string>(); // digits of a value typed into free text → its record
let areaCodes: string[] = [];
let personIds: string[] = [];
let idNumbers: string[] = [];
let departments: string[] = [];

beforeAll(async () => {
  db = await openTestDb();
  const s = db.services;
  await seedDistrict(s, { persons: 300, things: 20, cases: 40, batchSize: 100 });
  const q = async <T>(sql: string) => (await s.pool.query(sql)).rows as T[];
  for (const p of await q<{ id: number; area_code: string; id_number: string | null; phone: string | null }>(
    `SELECT id, area_code, id_number, phone FROM person`,
  )) {
    const gid = toGlobalId('Person', p.id);
    areaOf.set(gid, p.area_code);
    if (p.id_number) secrets.set(p.id_number, gid);
    if (p.phone) secrets.set(p.phone, gid);
  }
  for (const [type, table] of [
    ['Household', 'household'],
    ['House', 'house'],
    ['Thing', 'thing'],
    ['Case', 'civic_case'],
  ] as const) {
    for (const r of await q<{ id: number; area_code: string }>(`SELECT id, area_code FROM ${table}`))
      areaOf.set(toGlobalId(type, r.id), r.area_code);
  }
  for (const c of await q<{ id: number; reporter_phone: string | null }>(
    `SELECT id, reporter_phone FROM civic_case`,
  ))
    if (c.reporter_phone) secrets.set(c.reporter_phone, toGlobalId('Case', c.id));
  for (const f of await q<{ id: number; area_code: string; department_code: string | null }>(
    `SELECT f.id, p.area_code, f.department_code FROM fact f JOIN person p ON p.id = f.person_id`,
  )) {
    areaOf.set(toGlobalId('Fact', f.id), f.area_code);
    deptOf.set(toGlobalId('Fact', f.id), f.department_code);
  }
  await writeFreeText(s, q);
  areaCodes = (
    await q<{ code: string }>(
      // areas holding residents or cases, so that random scopes see records (and miss others)
      `SELECT a.code FROM area a WHERE a.level IN ('STREET', 'COMMUNITY', 'GRID')
          AND (EXISTS (SELECT 1 FROM person p JOIN area pa ON pa.code = p.area_code WHERE pa.path <@ a.path)
            OR EXISTS (SELECT 1 FROM civic_case c JOIN area ca ON ca.code = c.area_code WHERE ca.path <@ a.path))
        ORDER BY a.code`,
    )
  ).map((a) => a.code);
  personIds = [...areaOf.keys()].filter((k) => fromGlobalId(k).type === 'Person').sort();
  idNumbers = (
    await q<{ id_number: string }>(`SELECT id_number FROM person WHERE id_number IS NOT NULL ORDER BY id`)
  ).map((r) => r.id_number);
  departments = [...new Set([...deptOf.values()].filter((d): d is string => !!d))].sort();
  server = await startServer(s, { port: 0, host: '127.0.0.1', log: testLog });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await db?.close();
});

/** Digits as a resident might type them: full-width, or grouped with spaces or hyphens. */
function typed(value: string, how: number): string {
  if (how % 3 === 0) return value.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
  if (how % 3 === 1)
    return value.length === 11 ? `${value.slice(0, 3)} ${value.slice(3, 7)} ${value.slice(7)}` : value;
  return value.length === 11 ? `+86-${value.slice(0, 3)}-${value.slice(3, 7)}-${value.slice(7)}` : value;
}
const digitsOf = (text: string) =>
  text
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[^0-9]/g, '');

/** Cases and facts with residents' ID numbers and phones typed into their free text. */
async function writeFreeText(s: TestDb['services'], q: <T>(sql: string) => Promise<T[]>) {
  const actor = broadTestViewer('free-text-writer');
  const places = await q<{ lon: number; lat: number; category: string }>(
    `SELECT ST_X(location) AS lon, ST_Y(location) AS lat, category_code AS category
       FROM civic_case WHERE location IS NOT NULL ORDER BY id LIMIT 9`,
  );
  const people = await q<{ id_number: string; phone: string }>(
    `SELECT id_number, phone FROM person WHERE id_number IS NOT NULL AND phone IS NOT NULL ORDER BY id`,
  );
  // each typed value belongs to one record only, so that its audit record can be looked up
  const person = (i: number) => {
    if (i >= people.length) throw new Error('the fixture has too few residents with an ID number and phone');
    return people[i];
  };
  for (const [i, at] of places.entries()) {
    const who = person(3 * i);
    const c = await s.cases.report(
      {
        categoryCode: at.category,
        description: `居民${typed(who.id_number, i)}反映楼道灯坏了，联系电话${typed(who.phone, i)}`,
        location: { type: 'Point', coordinates: [at.lon, at.lat] },
        channel: 'APP',
      },
      actor,
    );
    const gid = toGlobalId('Case', c.id);
    areaOf.set(gid, c.areaCode);
    embedded.set(digitsOf(who.id_number), gid);
    embedded.set(who.phone, gid);
    const other = person(3 * i + 1);
    embedded.set(other.phone, gid);
    if (i % 3 === 0) {
      await s.cases.transition(
        { caseId: c.id, action: 'REJECT', note: `重复，已电话${typed(other.phone, i + 1)}告知` },
        actor,
      );
      continue;
    }
    const step = (action: never, note?: string) =>
      s.cases.transition({ caseId: c.id, action, note: note ?? '处理', approver: '主任' }, actor);
    await step('FILE' as never, `核实人${typed(other.phone, i + 2)}`);
    if (i % 3 === 2) {
      for (const a of ['DISPATCH', 'CLAIM', 'START', 'RESOLVE', 'CHECK', 'CLOSE']) await step(a as never);
      const third = person(3 * i + 2);
      embedded.set(third.phone, gid);
      await s.cases.rate(
        { caseId: c.id, score: 5, comment: `很好，我的手机${typed(third.phone, i)}` },
        actor,
      );
    }
  }
  // the seeded cases: an ID number typed into each description
  const rest = people.slice(3 * places.length);
  const seeded = await q<{ id: number }>(
    `SELECT id FROM civic_case WHERE description NOT LIKE '居民%' ORDER BY id`,
  );
  for (const [i, c] of seeded.slice(0, rest.length).entries()) {
    await s.pool.query(`UPDATE civic_case SET description = description || $2 WHERE id = $1`, [
      c.id,
      `（身份证${typed(rest[i].id_number, i)}）`,
    ]);
    embedded.set(digitsOf(rest[i].id_number), toGlobalId('Case', c.id));
  }
  // a roster column copied into a fact's details: a guardian's phone
  const facts = await q<{ id: number }>(`SELECT id FROM fact ORDER BY id`);
  for (const [i, f] of facts.slice(0, rest.length).entries()) {
    await s.pool.query(
      `UPDATE fact SET attributes = attributes || jsonb_build_object('备注', $2::text) WHERE id = $1`,
      [f.id, `监护人电话${typed(rest[i].phone, i)}`],
    );
    embedded.set(rest[i].phone, toGlobalId('Fact', f.id));
  }
}

const ROLES_UNDER_TEST: Role[] = [
  'GRID_WORKER',
  'COMMUNITY_STAFF',
  'STREET_STAFF',
  'DEPARTMENT_ANALYST',
  'COMMAND_CENTER',
  'AUDITOR',
  'ADMIN',
];

const PERSON = (why: string) =>
  `__typename id name idNumber${why} phone${why}
   household { __typename id members { __typename id idNumber${why} phone${why} } head { __typename id } }
   house { __typename id address${why} }
   facts { __typename id kind departmentCode attributes${why} }`;

/** One query a client might send, over whatever ids and areas exist (in scope or not). */
const queryArb = () =>
  fc.record({
    why: fc.constantFrom('', '(purpose: "入户走访核实")'),
    kind: fc.constantFrom(
      'persons',
      'filtered',
      'node',
      'byIdNumber',
      'houses',
      'things',
      'cases',
      'caseText',
      'factKind',
    ),
    area: fc.integer({ min: 0, max: 10_000 }),
    pick: fc.integer({ min: 0, max: 10_000 }),
  });

function build(q: { why: string; kind: string; area: number; pick: number }): {
  query: string;
  variables: object;
} {
  const area = areaCodes[q.area % areaCodes.length];
  const person = personIds[q.pick % personIds.length];
  switch (q.kind) {
    case 'persons':
      return { query: `{ persons(first: 200) { edges { node { ${PERSON(q.why)} } } } }`, variables: {} };
    case 'filtered':
      return {
        query: `query($a: String) { persons(first: 100, filter: { areaCode: $a }) { edges { node { ${PERSON(q.why)} } } } }`,
        variables: { a: area },
      };
    case 'node':
      return {
        query: `query($id: ID!) { node(id: $id) { __typename id ... on Person { ${PERSON(q.why)} }
          ... on Case { description${q.why} transitions { note${q.why} } } } }`,
        variables: { id: q.pick % 2 ? person : [...areaOf.keys()][q.pick % areaOf.size] },
      };
    case 'byIdNumber':
      return {
        query: `query($n: String!) { person(idNumber: $n) { ${PERSON(q.why)} } }`,
        variables: { n: idNumbers[q.pick % idNumbers.length] },
      };
    case 'houses':
      return {
        query: `{ houses(first: 200) { edges { node { __typename id address${q.why} room${q.why} } } } }`,
        variables: {},
      };
    case 'things':
      return { query: `{ things(first: 200) { edges { node { __typename id name } } } }`, variables: {} };
    case 'cases':
      return {
        query: `{ cases(first: 200) { edges { node { __typename id reporterPhone${q.why} description${q.why} } } } }`,
        variables: {},
      };
    case 'caseText':
      return {
        query: `{ cases(first: 200) { edges { node { __typename id description${q.why} invalidReason${q.why}
          ratingComment${q.why} transitions { note${q.why} } history { fields { field oldValue newValue } } } } } }`,
        variables: {},
      };
    default:
      return {
        query: `{ persons(first: 200, filter: { factKind: "CHRONIC_DISEASE" }) { edges { node { __typename id facts { __typename id departmentCode } } } } }`,
        variables: {},
      };
  }
}

/** Every {__typename, id} object in a response. */
function records(value: unknown, out: { type: string; id: string }[] = []) {
  if (Array.isArray(value)) value.forEach((v) => records(v, out));
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.__typename === 'string' && typeof o.id === 'string')
      out.push({ type: o.__typename, id: o.id });
    Object.values(o).forEach((v) => records(v, out));
  }
  return out;
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
  return out;
}

let seq = 0;
describe('scope and masking hold for random accounts and queries', () => {
  it('zero out-of-scope records, zero unmasked values without permission, every unmasked read audited', async () => {
    let returned = 0;
    let unmasked = 0;
    let unmaskedText = 0;
    let casesReturned = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROLES_UNDER_TEST),
        fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 2 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 2 }),
        fc.array(queryArb(), { minLength: 1, maxLength: 3 }),
        async (role, areaPicks, deptPicks, queries) => {
          const name = `prop-${++seq}`;
          const areas = [...new Set(areaPicks.map((i) => areaCodes[i % areaCodes.length]))];
          const depts =
            role === 'DEPARTMENT_ANALYST'
              ? [...new Set(deptPicks.map((i) => departments[i % departments.length]))]
              : [];
          await db.services.auth.createAccount(
            { name, role, areaCodes: areas, departmentCodes: depts, password: 'property-test-password' },
            'test',
          );
          const { token } = await db.services.auth.issueToken(name);
          const scope = await scopeOf(db.services.areas, areas, depts.length ? depts : null);
          const canRead = ROLE_PERMISSIONS[role].includes('record:read');
          const canUnmask = ROLE_PERMISSIONS[role].includes('pii:unmask');
          for (const q of queries) {
            const { query, variables } = build(q);
            const res = await fetch(`http://127.0.0.1:${server.port}/graphql`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
              body: JSON.stringify({ query, variables }),
            });
            const body = (await res.json()) as {
              data?: unknown;
              errors?: { extensions?: { code?: string } }[];
            };
            // the only errors allowed are refusals of an unmasked read
            for (const e of body.errors ?? []) expect(e.extensions?.code).toBe('FORBIDDEN');
            if (body.errors?.length) expect(!canUnmask && q.why !== '').toBe(true);
            for (const r of records(body.data)) {
              if (r.type === 'Area') continue;
              returned++;
              if (r.type === 'Case') casesReturned++;
              expect(canRead).toBe(true);
              const code = areaOf.get(r.id);
              expect(code).toBeDefined();
              expect({ id: r.id, inScope: areaInScope(db.services.areas, scope, code ?? null) }).toEqual({
                id: r.id,
                inScope: true,
              });
              if (r.type === 'Fact' && scope.departments)
                expect(scope.departments).toContain(deptOf.get(r.id));
            }
            for (const text of strings(body.data)) {
              const owner = secrets.get(text);
              if (!owner) continue;
              unmasked++;
              expect({ text: '(unmasked)', canUnmask, purpose: q.why !== '' }).toEqual({
                text: '(unmasked)',
                canUnmask: true,
                purpose: true,
              });
              const { rowCount } = await db.services.pool.query(
                `SELECT 1 FROM audit_log WHERE actor_name = $1 AND target = $2 AND outcome = 'SUCCESS' AND operation LIKE 'unmask %'`,
                [name, owner],
              );
              expect(rowCount).toBeGreaterThan(0);
            }
            // values typed into free text: readable only with the permission and a purpose, audited
            const audited = new Set<string>();
            for (const text of strings(body.data)) {
              if (secrets.has(text)) continue; // a structured field's value, checked above
              const digits = digitsOf(text);
              if (digits.length < 11) continue;
              for (const [secret, owner] of embedded) {
                if (!digits.includes(secret)) continue;
                unmaskedText++;
                expect({ text: '(unmasked free text)', canUnmask, purpose: q.why !== '' }).toEqual({
                  text: '(unmasked free text)',
                  canUnmask: true,
                  purpose: true,
                });
                if (audited.has(owner)) continue;
                audited.add(owner);
                const { rowCount } = await db.services.pool.query(
                  `SELECT 1 FROM audit_log WHERE actor_name = $1 AND target = $2 AND outcome = 'SUCCESS' AND operation LIKE 'unmask %'`,
                  [name, owner],
                );
                expect(rowCount).toBeGreaterThan(0);
              }
            }
            // nothing personal in the masked answer either (e.g. a phone inside a free-text field)
            if (q.why === '' || !canUnmask)
              expect(findPersonalData(JSON.stringify(body.data ?? null))).toEqual([]);
          }
        },
      ),
      { numRuns: 25, seed: 20260124 },
    );
    // the property was exercised, not vacuously true
    expect(returned).toBeGreaterThan(100);
    expect(unmasked).toBeGreaterThan(0);
    expect(unmaskedText).toBeGreaterThan(0);
    expect(casesReturned).toBeGreaterThan(20);
  }, 240_000);
});
