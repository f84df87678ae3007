import type pg from 'pg';
import { AppError } from '../errors/app-error';
import { areaInScope, Scope } from '../auth/scope';
import type { AreaService } from '../geo/area.service';
import type { LedgerService } from '../ledger/ledger.service';
import type { EntityWrite } from '../ledger/ledger.types';
import { Actor, staffSource } from './person.service';
import { registrySql } from './registry.queries';
import type { HouseholdRow, HouseRow, PersonRow } from './registry.types';

/** The relation that makes a member the head of the household. */
export const HEAD = '户主';

/** Households (户) and their members, written through the ledger. */
export class HouseholdService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly ledger: LedgerService,
    private readonly areas: AreaService,
  ) {}

  /** Households by id, in the order asked. */
  async byIds(ids: readonly number[], scope: Scope, asOf?: Date | null): Promise<(HouseholdRow | null)[]> {
    const { rows } = await this.pool.query<HouseholdRow>(
      registrySql.householdsByIds(ids, asOf ?? null, scope),
    );
    const map = new Map(rows.map((r) => [r.id, { ...r, asOf: asOf ?? null }]));
    return ids.map((id) => map.get(id) ?? null);
  }

  /** Members of households, grouped by household id. */
  async membersOf(ids: readonly number[], scope: Scope, asOf?: Date | null): Promise<PersonRow[][]> {
    const { rows } = await this.pool.query<PersonRow>(
      registrySql.membersOfHouseholds(ids, asOf ?? null, scope),
    );
    return ids.map((id) =>
      rows.filter((r) => r.householdId === id).map((r) => ({ ...r, asOf: asOf ?? null })),
    );
  }

  /** Creates a household (户号 unique in its district), optionally living in a house. */
  async create(
    input: { householdNumber: string; areaCode?: string | null; houseId?: number | null },
    actor: Actor,
    houseOf: (id: number) => HouseRow | null | Promise<HouseRow | null>,
  ): Promise<HouseholdRow> {
    const number = input.householdNumber.trim();
    if (!/^[0-9A-Za-z-]{1,32}$/.test(number)) {
      throw new AppError(
        'VALUE_INVALID',
        'input.householdNumber must be 1–32 letters, digits or dashes',
        'input.householdNumber',
      );
    }
    let areaCode = input.areaCode ?? null;
    if (input.houseId != null) {
      const house = await houseOf(input.houseId);
      if (!house) throw new AppError('HOUSE_NOT_FOUND', `no house has id ${input.houseId}`, 'input.houseId');
      areaCode ??= house.areaCode;
    }
    if (!areaCode)
      throw new AppError('VALUE_INVALID', 'input.areaCode or input.houseId is required', 'input.areaCode');
    const area = await this.areas.get(areaCode, 'input.areaCode');
    if (!areaInScope(this.areas, actor.scope, area.code))
      throw new AppError('AREA_UNKNOWN', `no area has code ${areaCode}`, 'input.areaCode');
    const districtCode = area.districtCode!;
    const { rows } = await this.pool.query(registrySql.householdIdByNumber, [districtCode, number]);
    if (rows.length > 0)
      throw new AppError(
        'HOUSEHOLD_NUMBER_TAKEN',
        `household number ${number} is already used`,
        'input.householdNumber',
      );
    const [id] = await this.ledger.allocateIds(this.pool, 'HOUSEHOLD', 1);
    await this.ledger.record([
      {
        source: staffSource(districtCode, actor, 'createHousehold', input),
        writes: [
          {
            type: 'HOUSEHOLD',
            districtCode,
            id,
            create: true,
            values: { household_number: number, house_id: input.houseId ?? null, area_code: area.code },
          },
        ],
      },
    ]);
    return (await this.byIds([id], actor.scope))[0]!;
  }

  /**
   * Puts a person into a household with a relation to its head (户主, 配偶, 子...). Making someone
   * 户主 also records them as the household's head. A person is in at most one household.
   */
  async setMembership(
    input: { householdId: number; personId: number; relationToHead: string },
    actor: Actor,
    personOf: (id: number) => Promise<PersonRow | null>,
  ): Promise<{ household: HouseholdRow; person: PersonRow }> {
    const [household] = await this.byIds([input.householdId], actor.scope);
    if (!household)
      throw new AppError(
        'HOUSEHOLD_NOT_FOUND',
        `no household has id ${input.householdId}`,
        'input.householdId',
      );
    const person = await personOf(input.personId);
    if (!person || person.status === 'MERGED')
      throw new AppError('PERSON_NOT_FOUND', `no person has id ${input.personId}`, 'input.personId');
    if (person.districtCode !== household.districtCode) {
      throw new AppError(
        'DISTRICT_MISMATCH',
        'the person and the household are in different districts',
        'input.personId',
      );
    }
    const relation = input.relationToHead.trim();
    if (!relation)
      throw new AppError('VALUE_INVALID', 'input.relationToHead must not be empty', 'input.relationToHead');
    const writes: EntityWrite[] = [
      {
        type: 'PERSON',
        districtCode: person.districtCode,
        id: person.id,
        create: false,
        values: {
          household_id: household.id,
          relation_to_head: relation,
          house_id: household.houseId ?? person.houseId,
        },
      },
    ];
    if (relation === HEAD) {
      writes.push({
        type: 'HOUSEHOLD',
        districtCode: household.districtCode,
        id: household.id,
        create: false,
        values: { head_person_id: person.id },
      });
    }
    await this.ledger.record([
      { source: staffSource(household.districtCode, actor, 'setHouseholdMember', input), writes },
    ]);
    return {
      household: (await this.byIds([household.id], actor.scope))[0]!,
      person: (await personOf(person.id))!,
    };
  }

  /** Takes a person out of their household (the history keeps that they were in it). */
  async removeMember(
    personId: number,
    actor: Actor,
    personOf: (id: number) => Promise<PersonRow | null>,
  ): Promise<PersonRow> {
    const person = await personOf(personId);
    if (!person) throw new AppError('PERSON_NOT_FOUND', `no person has id ${personId}`, 'personId');
    if (!person.householdId) return person;
    const [household] = await this.byIds([person.householdId], actor.scope);
    const writes: EntityWrite[] = [
      {
        type: 'PERSON',
        districtCode: person.districtCode,
        id: person.id,
        create: false,
        values: { household_id: null, relation_to_head: null },
      },
    ];
    if (household?.headPersonId === person.id) {
      writes.push({
        type: 'HOUSEHOLD',
        districtCode: household.districtCode,
        id: household.id,
        create: false,
        values: { head_person_id: null },
      });
    }
    await this.ledger.record([
      { source: staffSource(person.districtCode, actor, 'removeHouseholdMember', { personId }), writes },
    ]);
    return (await personOf(person.id))!;
  }
}
