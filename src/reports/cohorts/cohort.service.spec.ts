import { UNRESTRICTED } from '../../auth/scope';
import { buildTerritory, recordFacts, recordPopulation, T } from '../../../test/factories';
import { openTestDb, TestDb } from '../../../test/harness';
import { CohortService } from './cohort.service';

let db: TestDb;
let cohorts: CohortService;
let ids: number[];
const d = (s: string) => new Date(`${s}T12:00:00+08:00`);

beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
  const pop = await recordPopulation(
    db.services,
    {
      houses: [],
      households: [],
      persons: [
        {
          name: '小明',
          gender: 'MALE',
          birthDate: '2020-08-31',
          residenceType: 'REGISTERED',
          areaCode: T.gridA1,
        }, // 0: turns 6 before 2026-09-01
        {
          name: '小红',
          gender: 'FEMALE',
          birthDate: '2020-09-01',
          residenceType: 'REGISTERED',
          areaCode: T.gridA1,
        }, // 1: a year later
        {
          name: '周大爷',
          gender: 'MALE',
          birthDate: '1966-07-15',
          residenceType: 'REGISTERED',
          areaCode: T.gridA2,
        }, // 2: 60 on 2026-07-15
        {
          name: '吴奶奶',
          gender: 'FEMALE',
          birthDate: '1950-03-03',
          residenceType: 'REGISTERED',
          areaCode: T.gridB1,
        }, // 3: checked 2025-08-01
        {
          name: '郑大爷',
          gender: 'MALE',
          birthDate: '1945-01-01',
          residenceType: 'REGISTERED',
          areaCode: T.gridB1,
        }, // 4: insured
      ],
    },
    { at: d('2026-03-01') },
  );
  ids = pop.personIds;
  await recordFacts(
    db.services,
    [
      {
        personId: ids[3],
        kind: 'HEALTH_CHECK',
        departmentCode: 'HEALTH',
        validFrom: '2025-08-01',
        attributes: {},
      },
      {
        personId: ids[3],
        kind: 'PENSION_INSURANCE',
        departmentCode: 'HRSS',
        validFrom: '2010-01-01',
        attributes: { type: '城乡居民' },
      },
      {
        personId: ids[4],
        kind: 'PENSION_INSURANCE',
        departmentCode: 'HRSS',
        validFrom: '2010-01-01',
        attributes: { type: '城乡居民' },
      },
    ],
    { at: d('2026-03-01') },
  );
  cohorts = new CohortService(db.services.pool, db.services.areas);
});
afterAll(() => db.close());

const memberIds = async (cohort: string, at: Date) =>
  (await cohorts.members(cohort, at, T.street, { afterId: 0, limit: 50 }, UNRESTRICTED)).ids;

describe('standing cohorts', () => {
  it('children turning 6 before 1 September', async () => {
    expect(await memberIds('school-entry', d('2026-05-01'))).toEqual([ids[0]]);
    // after 1 September 2026 the coming school year is 2027's
    expect(await memberIds('school-entry', d('2026-10-01'))).toEqual([ids[1]]);
  });

  it('60+ without pension insurance, and elderly due a health check, with counts per community', async () => {
    expect(await memberIds('elderly-without-pension', d('2026-08-01'))).toEqual([ids[2]]);
    expect(await memberIds('elderly-health-check-due', d('2026-07-01'))).toEqual([ids[4]]);
    expect(await memberIds('elderly-health-check-due', d('2026-08-02'))).toEqual([ids[3], ids[4]]);
    expect(
      await cohorts.counts('elderly-health-check-due', d('2026-08-02'), T.street, 'COMMUNITY', UNRESTRICTED),
    ).toEqual([
      { areaCode: T.communityA, name: '北门社区', count: 0 },
      { areaCode: T.communityB, name: '文昌社区', count: 2 },
    ]);
  });

  it('records entries and exits, including by the passage of time alone', async () => {
    const c = 'elderly-without-pension';
    expect(await cohorts.refresh(c, d('2026-07-01'))).toEqual({ entered: 0, exited: 0 });
    // nothing recorded in between: 周大爷 turns 60 on 07-15
    expect(await cohorts.refresh(c, d('2026-07-20'))).toEqual({ entered: 1, exited: 0 });
    expect(await cohorts.refresh(c, d('2026-07-21'))).toEqual({ entered: 0, exited: 0 });
    // he joins the pension scheme: he leaves the cohort
    await recordFacts(
      db.services,
      [
        {
          personId: ids[2],
          kind: 'PENSION_INSURANCE',
          departmentCode: 'HRSS',
          validFrom: '2026-08-01',
          attributes: { type: '城乡居民' },
        },
      ],
      { at: d('2026-08-01') },
    );
    expect(await cohorts.refresh(c, d('2026-08-02'))).toEqual({ entered: 0, exited: 1 });
    const events = await cohorts.events(c, UNRESTRICTED);
    expect(events.map((e) => [e.personId, e.kind, e.areaCode, e.occurredAt.toISOString()])).toEqual([
      [ids[2], 'ENTERED', T.gridA2, d('2026-07-20').toISOString()],
      [ids[2], 'EXITED', T.gridA2, d('2026-08-02').toISOString()],
    ]);
  });

  it('names an unknown cohort', () => {
    expect(() => cohorts.get('nope')).toThrow(/known cohorts: school-entry/);
  });
});
