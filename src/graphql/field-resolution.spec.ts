import { execute, GraphQLSchema, isObjectType, parse } from 'graphql';
import { openTestDb, TestDb } from '../../test/harness';
import { AppError } from '../errors/app-error';
import { ROLE_PERMISSIONS } from '../auth/roles';
import { scopeOf } from '../auth/scope';
import { Viewer } from '../auth/viewer';
import { seedDistrict } from '../seed/seed.service';
import { createContext } from './context';
import { createSchema } from './schema';

let db: TestDb;
let schema: GraphQLSchema;
/** How many times each field (`Type.field`) answered with a promise instead of a value. */
const promised = new Map<string, number>();

beforeAll(async () => {
  db = await openTestDb();
  await seedDistrict(db.services, { persons: 120, things: 0, cases: 0, seed: 5 });
  schema = await createSchema();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      const key = `${type.name}.${field.name}`;
      field.resolve = (root, args, ctx, info) => {
        const v: unknown = resolve
          ? resolve(root, args, ctx, info)
          : (root as Record<string, unknown>)[field.name];
        if (v instanceof Promise) promised.set(key, (promised.get(key) ?? 0) + 1);
        return v;
      };
    }
  }
}, 120_000);
afterAll(() => db?.close());

async function run(query: string, role: 'COMMAND_CENTER' | 'GRID_WORKER' = 'COMMAND_CENTER') {
  const scope = await scopeOf(db.services.areas, ['610902'], null);
  const viewer = new Viewer('STAFF', 'test:fields', 'fields', role, new Set(ROLE_PERMISSIONS[role]), scope);
  promised.clear();
  return execute({ schema, document: parse(query), contextValue: createContext(db.services, viewer) });
}

const PAGE = `{ persons(first: 50) { totalCount edges { node { id name gender birthDate
  household { householdNumber head { name } } house { address area { code name } } area { code name } } } } }`;

describe('a page resolves its nested fields without a promise per row', () => {
  it('persons with household, head, house (masked address) and areas: only the page and its count wait', async () => {
    const r = await run(PAGE);
    expect(r.errors).toBeUndefined();
    const edges = (r.data as any).persons.edges as any[];
    expect(edges).toHaveLength(50);
    // the values are all there: heads, masked addresses, areas
    expect(edges.filter((e) => e.node.household?.head?.name).length).toBeGreaterThan(0);
    expect(edges.filter((e) => e.node.house).every((e) => /\*/.test(e.node.house.address))).toBe(true);
    expect(edges.every((e) => e.node.area.code.startsWith('610902'))).toBe(true);
    expect([...promised.keys()].sort()).toEqual(['PersonConnection.totalCount', 'Query.persons']);
  });

  it('an argument still reaches a directly called resolver: a purpose unmasks and is audited', async () => {
    const first = await run(`{ persons(first: 1) { edges { node { house { address } } } } }`);
    const masked = (first.data as any).persons.edges[0].node.house.address as string;
    const q = `{ persons(first: 1) { edges { node { house { address(purpose: "入户核查") } } } } }`;
    const r = await run(q);
    expect(r.errors).toBeUndefined();
    const address = (r.data as any).persons.edges[0].node.house.address as string;
    expect(address).not.toMatch(/\*/);
    expect(address.replace(/[0-9]/g, '*')).toBe(masked);
    // and a role without the unmask permission is refused, not handed the value
    const refused = await run(q, 'GRID_WORKER');
    expect((refused.errors?.[0].originalError as AppError | undefined)?.reason).toBe('PERMISSION_DENIED');
    expect(JSON.stringify(refused.data)).not.toContain(address);
    const { rows } = await db.services.pool.query<{ outcome: string; purpose: string }>(
      `SELECT outcome, purpose FROM audit_log WHERE operation = 'unmask House.address' ORDER BY id`,
    );
    expect(rows).toEqual([
      { outcome: 'SUCCESS', purpose: '入户核查' },
      { outcome: 'DENIED', purpose: '入户核查' },
    ]);
  });
});
