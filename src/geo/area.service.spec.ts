import { openTestDb, TestDb } from '../../test/harness';
import { buildTerritory, T } from '../../test/factories';
import { AppError } from '../errors/app-error';

let db: TestDb;

beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
});
afterAll(() => db.close());

describe('AreaService.subtreeCodes', () => {
  it('gives an area and everything below it, and nothing beside it', async () => {
    const areas = db.services.areas;
    expect(await areas.subtreeCodes(T.communityA)).toEqual([T.communityA, T.gridA1, T.gridA2]);
    expect(await areas.subtreeCodes(T.gridB1)).toEqual([T.gridB1]);
    expect(await areas.subtreeCodes(T.street)).toEqual(
      [T.street, T.communityA, T.communityB, T.gridA1, T.gridA2, T.gridB1].sort(),
    );
  });

  it('rejects an unknown code, naming the field', async () => {
    const err = await db.services.areas
      .subtreeCodes('610902999999', 'filter.areaCode')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ reason: 'AREA_UNKNOWN', field: 'filter.areaCode' });
  });
});
