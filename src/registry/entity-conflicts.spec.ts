import { openTestApi, type TestApi } from '../../test/harness';
import { buildTerritory, T } from '../../test/factories';
import { toGlobalId } from '../graphql/global-id';
import type { SourceInput } from '../ledger/ledger.types';

let api: TestApi;
beforeAll(async () => {
  api = await openTestApi();
  await buildTerritory(api.services);
});
afterAll(() => api.close());

const roster = (departmentCode: string, raw: Record<string, unknown>): SourceInput => ({
  districtCode: T.district,
  kind: 'INGEST',
  departmentCode,
  raw,
});

it('shows the conflicts of houses and households, not only of persons, addresses masked', async () => {
  const { ledger, pool } = api.services;
  const [house] = await ledger.allocateIds(pool, 'HOUSE', 1);
  const [household] = await ledger.allocateIds(pool, 'HOUSEHOLD', 1);
  const address = '新城街道兴安路12号3栋2单元301室';
  await ledger.record([
    {
      source: roster('CIVIL_AFFAIRS', { 家庭住址: address, 户号: 'H0001' }),
      writes: [
        {
          type: 'HOUSE',
          districtCode: T.district,
          id: house,
          create: true,
          values: { address, use: 'RESIDENTIAL', area_code: T.gridA1 },
        },
        {
          type: 'HOUSEHOLD',
          districtCode: T.district,
          id: household,
          create: true,
          values: { household_number: 'H0001', house_id: house, area_code: T.gridA1 },
        },
      ],
    },
  ]);
  // HEALTH (below CIVIL_AFFAIRS) gives another address and another household number
  const other = '新城街道兴安路14号1栋1单元101室';
  const commit = await ledger.record([
    {
      source: roster('HEALTH', { 家庭住址: other, 户号: 'H0002' }),
      writes: [
        { type: 'HOUSE', districtCode: T.district, id: house, create: false, values: { address: other } },
        {
          type: 'HOUSEHOLD',
          districtCode: T.district,
          id: household,
          create: false,
          values: { household_number: 'H0002' },
        },
      ],
    },
  ]);
  expect(commit.results.map((r) => r.conflicts)).toEqual([1, 1]);
  const r = await api.exec(
    `query($house: ID!, $household: ID!) {
       house: node(id: $house) { ... on House { address conflicts { field chosenValue otherValue status } } }
       household: node(id: $household) { ... on Household { householdNumber conflicts { field chosenValue otherValue status } } }
     }`,
    { house: toGlobalId('House', house), household: toGlobalId('Household', household) },
  );
  expect(r.errors).toBeUndefined();
  const houseConflicts = r.data!.house.conflicts;
  expect(houseConflicts).toHaveLength(1);
  expect(houseConflicts[0]).toMatchObject({ status: 'OPEN' });
  // both addresses masked, as the house's own address is to this reader without a purpose
  expect(JSON.stringify(houseConflicts)).not.toContain('301室');
  expect(JSON.stringify(houseConflicts)).not.toContain('101室');
  expect(houseConflicts[0].field).toBe('address');
  expect(r.data!.household).toMatchObject({
    householdNumber: 'H0001',
    conflicts: [{ field: 'householdNumber', chosenValue: 'H0001', otherValue: 'H0002', status: 'OPEN' }],
  });
});
