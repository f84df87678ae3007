import { parse, Kind, OperationDefinitionNode } from 'graphql';
import { openTestApi, TestApi } from '../../test/harness';
import { buildTerritory, buildPerson, T } from '../../test/factories';
import { checkLimits } from './limits';
import { createSchema } from './schema';

/** Every limit refuses before execution: the refused request sends no SQL statement at all. */
let api: TestApi;
beforeAll(async () => {
  api = await openTestApi();
  await buildTerritory(api.services);
  await buildPerson(api.services, { areaCode: T.gridA1 });
});
afterAll(() => api.close());

async function refused(query: string, reason: string, variables?: Record<string, unknown>) {
  const r = await api.exec(query, variables);
  expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason });
  expect(r.data ?? null).toBeNull();
  expect(r.sqlCount).toBe(0);
}

const nest = (levels: number) => {
  let inner = 'name';
  for (let i = 0; i < levels; i++) inner = `household { members { ${inner} } }`;
  return `{ persons(first: 1) { edges { node { ${inner} } } } }`;
};

describe('limits checked before execution', () => {
  it('depth: a query nesting deeper than 12 levels', async () => {
    const ok = await api.exec(nest(4));
    expect(ok.errors).toBeUndefined();
    await refused(nest(5), 'QUERY_DEPTH_EXCEEDED');
  });

  it('depth through fragments, and fragment cycles never run', async () => {
    const viaFragments = `query { persons(first: 1) { edges { node { ...A } } } }
      fragment A on Person { household { members { ...B } } }
      fragment B on Person { household { members { ...C } } }
      fragment C on Person { household { members { household { members { household { members { name } } } } } } }`;
    await refused(viaFragments, 'QUERY_DEPTH_EXCEEDED');
  });

  it('aliases: more than 30 aliased fields', async () => {
    const many = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expect((await api.exec(many(30))).errors).toBeUndefined();
    await refused(many(31), 'QUERY_ALIASES_EXCEEDED');
  });

  it('cost: page sizes multiply what is asked of every row', async () => {
    const page = (alias: string) =>
      `${alias}: persons(first: 200) { edges { node { name gender age household { householdNumber members { name age } } house { code } area { code name } } } }`;
    const cheap = await api.exec(`{ ${page('a')} }`);
    expect(cheap.errors).toBeUndefined();
    await refused(
      `{ ${['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map(page).join(' ')} }`,
      'QUERY_COMPLEXITY_EXCEEDED',
    );
  });

  it('page size: first above 200, literal or variable', async () => {
    await refused(`{ persons(first: 201) { totalCount } }`, 'PAGE_SIZE_EXCEEDED');
    await refused(`query($n: Int) { houses(first: $n) { totalCount } }`, 'PAGE_SIZE_EXCEEDED', { n: 1000 });
  });

  it('operations: a document holding more than 5 operations', async () => {
    const schema = await createSchema();
    const limits = { depth: 12, complexity: 20_000, aliases: 30, operations: 5 };
    const check = (n: number) => {
      const doc = parse(Array.from({ length: n }, (_, i) => `query Q${i} { __typename }`).join('\n'));
      const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
      return () => checkLimits(schema, doc, op, {}, limits);
    };
    expect(check(5)).not.toThrow();
    expect(check(6)).toThrow(
      expect.objectContaining({
        extensions: expect.objectContaining({ reason: 'QUERY_OPERATIONS_EXCEEDED' }),
      }),
    );
  });
});
