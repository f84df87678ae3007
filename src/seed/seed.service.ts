import type { Services } from '../app/services';
import { withTransaction } from '../db/pool';
import { pointToEwkt } from '../ledger/entities';
import type { LedgerItem } from '../ledger/ledger.types';
import { composeAddress } from '../registry/house.service';
import { generateCases, generateHouseholds, generateThings, loadDivision } from './district.generator';
import type { SeedHousehold } from './district.types';
import { seedSql } from './seed.queries';

/** The district the fixtures describe: 汉滨区, 安康市, 陕西省. */
export const FIXTURE_DISTRICT = '610902';

/** Options of a fixture load. */
export interface SeedOptions {
  persons: number;
  seed?: number;
  things?: number;
  cases?: number;
  /** Households per ledger batch (one transaction each). */
  batchSize?: number;
  /** Transaction time the fixtures are recorded at (so past periods can be reported). */
  recordedAt?: Date;
  /** Load even if the district already has residents. */
  force?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** What a fixture load did. */
export interface SeedSummary {
  skipped: boolean;
  areas: number;
  persons: number;
  households: number;
  things: number;
  cases: number;
  /** The password of the `admin` account when this load created it (shown once), else null. */
  adminPassword: string | null;
}

/**
 * Loads the fixture district through the ledger's one write path: real codes and names of
 * 汉滨区/新城街道, invented grids, and deterministic synthetic residents, households, houses,
 * facts, things and cases. Idempotent: a district that has residents is left alone.
 */
export async function seedDistrict(s: Services, opts: SeedOptions): Promise<SeedSummary> {
  const seed = opts.seed ?? 1;
  const at = opts.recordedAt ?? new Date('2025-01-01T00:00:00+08:00');
  const areas = loadDivision();
  await s.areas.upsert(
    areas.map((a) => ({
      ...a,
      districtCode: a.code.length >= 9 || a.code === FIXTURE_DISTRICT ? a.code.slice(0, 6) : null,
    })),
  );
  const adminPassword = await s.auth.ensureAdmin(FIXTURE_DISTRICT);
  const { rows } = await s.pool.query<{ n: number }>(seedSql.personCount, [FIXTURE_DISTRICT]);
  if (Number(rows[0].n) > 0 && !opts.force) {
    return {
      skipped: true,
      areas: areas.length,
      persons: 0,
      households: 0,
      things: 0,
      cases: 0,
      adminPassword,
    };
  }
  const batchSize = opts.batchSize ?? 400;
  let persons = 0;
  let households = 0;
  let batch: SeedHousehold[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await writeHouseholds(s, batch, at);
    households += batch.length;
    persons += batch.reduce((n, h) => n + h.members.length, 0);
    batch = [];
    opts.onProgress?.(persons, opts.persons);
  };
  // ages and fact periods are generated relative to the day the fixtures are recorded
  const asOf = new Date(at.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  for (const h of generateHouseholds({ persons: opts.persons, seed, asOf })) {
    batch.push(h);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  const things = await writeThings(s, opts.things ?? 120, seed, at);
  const cases = await writeCases(s, opts.cases ?? 200, seed, at);
  return { skipped: false, areas: areas.length, persons, households, things, cases, adminPassword };
}

async function writeHouseholds(s: Services, batch: SeedHousehold[], at: Date): Promise<void> {
  await withTransaction(s.pool, async (client) => {
    const memberCount = batch.reduce((n, h) => n + h.members.length, 0);
    const factCount = batch.reduce((n, h) => n + h.facts.length, 0);
    const houseIds = await s.ledger.allocateIds(client, 'HOUSE', batch.length);
    const householdIds = await s.ledger.allocateIds(client, 'HOUSEHOLD', batch.length);
    const personIds = await s.ledger.allocateIds(client, 'PERSON', memberCount);
    const factIds = await s.ledger.allocateIds(client, 'FACT', factCount);
    const items: LedgerItem[] = [];
    let p = 0;
    let f = 0;
    batch.forEach((h, i) => {
      const d = h.gridCode.slice(0, 6);
      const house = h.house;
      const ids = new Map<string, number>();
      const writes: LedgerItem['writes'] = [
        {
          type: 'HOUSE',
          districtCode: d,
          id: houseIds[i],
          create: true,
          values: {
            code: house.code,
            street_name: house.streetName,
            street_number: house.streetNumber,
            building: house.building,
            unit: house.unit,
            room: house.room,
            address: composeAddress(house) ?? house.streetName,
            use: house.use,
            floors: house.floors,
            owner_name: house.ownerName,
            location: pointToEwkt(house.lon, house.lat),
            area_code: house.gridCode,
          },
        },
      ];
      for (const m of h.members) ids.set(m.key, personIds[p++]);
      const head = h.members.find((m) => m.relationToHead === '户主') ?? h.members[0];
      writes.push({
        type: 'HOUSEHOLD',
        districtCode: d,
        id: householdIds[i],
        create: true,
        values: {
          household_number: h.householdNumber,
          head_person_id: ids.get(head.key),
          house_id: houseIds[i],
          area_code: h.gridCode,
        },
      });
      for (const m of h.members) {
        writes.push({
          type: 'PERSON',
          districtCode: d,
          id: ids.get(m.key)!,
          create: true,
          values: {
            id_number: m.idNumber,
            name: m.name,
            gender: m.gender,
            birth_date: m.birthDate,
            ethnicity: m.ethnicity,
            phone: m.phone,
            residence_type: m.residenceType,
            status: 'ACTIVE',
            household_id: householdIds[i],
            relation_to_head: m.relationToHead,
            house_id: houseIds[i],
            area_code: h.gridCode,
          },
        });
      }
      items.push({
        source: {
          districtCode: d,
          kind: 'SEED',
          departmentCode: 'PUBLIC_SECURITY',
          actor: 'seed',
          fileName: 'fixture-district',
          raw: { household: h.householdNumber },
        },
        writes,
      });
      for (const fact of h.facts) {
        items.push({
          source: {
            districtCode: d,
            kind: 'SEED',
            departmentCode: fact.departmentCode,
            actor: 'seed',
            fileName: 'fixture-district',
            raw: { fact: fact.kind, household: h.householdNumber },
          },
          writes: [
            {
              type: 'FACT',
              districtCode: d,
              id: factIds[f++],
              create: true,
              values: {
                person_id: ids.get(fact.personKey),
                kind: fact.kind,
                department_code: fact.departmentCode,
                valid_from: fact.validFrom,
                valid_to: fact.validTo,
                attributes: fact.attributes,
                status: 'ACTIVE',
              },
            },
          ],
        });
      }
    });
    await s.ledger.recordIn(client, items, { at });
  });
}

async function writeThings(s: Services, count: number, seed: number, at: Date): Promise<number> {
  const things = [...generateThings({ count, seed })];
  if (things.length === 0) return 0;
  await withTransaction(s.pool, async (client) => {
    const ids = await s.ledger.allocateIds(client, 'THING', things.length);
    await s.ledger.recordIn(
      client,
      things.map((t, i) => ({
        source: {
          districtCode: t.gridCode.slice(0, 6),
          kind: 'SEED',
          departmentCode: t.departmentCode,
          actor: 'seed',
          fileName: 'fixture-district',
          raw: { thing: t.code },
        },
        writes: [
          {
            type: 'THING',
            districtCode: t.gridCode.slice(0, 6),
            id: ids[i],
            create: true,
            values: {
              code: t.code,
              category: t.category,
              name: t.name,
              status: t.status,
              department_code: t.departmentCode,
              location: pointToEwkt(t.lon, t.lat),
              area_code: t.gridCode,
            },
          },
        ],
      })),
      { at },
    );
  });
  return things.length;
}

async function writeCases(s: Services, count: number, seed: number, at: Date): Promise<number> {
  const cases = [...generateCases({ count, seed, start: at })];
  if (cases.length === 0) return 0;
  const { rows } = await s.pool.query<{ code: string | null }>(seedSql.locateMany, [
    cases.map((c) => c.lon),
    cases.map((c) => c.lat),
  ]);
  await withTransaction(s.pool, async (client) => {
    const ids = await s.ledger.allocateIds(client, 'CASE', cases.length);
    await s.ledger.recordIn(
      client,
      cases.map((c, i) => ({
        source: {
          districtCode: FIXTURE_DISTRICT,
          kind: 'SEED',
          actor: 'seed',
          fileName: 'fixture-district',
          raw: { case: c.key },
        },
        writes: [
          {
            type: 'CASE',
            districtCode: FIXTURE_DISTRICT,
            id: ids[i],
            create: true,
            values: {
              category_code: c.categoryCode,
              description: c.description,
              channel: c.channel,
              reporter_name: c.reporterName,
              reporter_phone: c.reporterPhone,
              location: pointToEwkt(c.lon, c.lat),
              area_code: rows[i]?.code ?? null,
              status: 'REPORTED',
              reported_at: c.reportedAt,
            },
          },
        ],
      })),
      { at },
    );
  });
  return cases.length;
}
