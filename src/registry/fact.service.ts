import type pg from 'pg';
import type { Scope } from '../auth/scope';
import { AppError } from '../errors/app-error';
import type { LedgerService } from '../ledger/ledger.service';
import { Actor, staffSource } from './person.service';
import { registrySql } from './registry.queries';
import type { FactRow, PersonRow } from './registry.types';

/** Fields of a department fact about a person. */
export interface FactFields {
  personId: number;
  kind: string;
  departmentCode?: string | null;
  validFrom: string;
  validTo?: string | null;
  attributes?: Record<string, unknown>;
}

/** Department facts (低保, 特困, disability, insurance...) with a valid period. */
export class FactService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly ledger: LedgerService,
  ) {}

  /** Facts of persons (now or as of an instant), grouped per person id. */
  async ofPersons(ids: readonly number[], scope: Scope, asOf?: Date | null): Promise<FactRow[][]> {
    const { rows } = await this.pool.query<FactRow>(registrySql.factsOfPersons(ids, asOf ?? null, scope));
    return ids.map((id) => rows.filter((r) => r.personId === id));
  }

  /** Facts by id. */
  async byIds(ids: readonly number[], scope: Scope): Promise<(FactRow | null)[]> {
    const { rows } = await this.pool.query<FactRow>(registrySql.factsByIds(ids, scope));
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  }

  /** Records a fact a department asserts about a person for a period. */
  async record(input: FactFields, actor: Actor, person: PersonRow | null): Promise<FactRow> {
    if (!person || person.status === 'MERGED')
      throw new AppError('PERSON_NOT_FOUND', `no person has id ${input.personId}`, 'input.personId');
    if (input.validTo && input.validTo < input.validFrom) {
      throw new AppError(
        'VALUE_INVALID',
        'input.validTo must not be before input.validFrom',
        'input.validTo',
      );
    }
    const { rows } = await this.pool.query('SELECT department_code FROM fact_kind WHERE code = $1', [
      input.kind,
    ]);
    if (rows.length === 0)
      throw new AppError('VALUE_INVALID', `unknown fact kind ${input.kind}`, 'input.kind');
    const departmentCode =
      input.departmentCode ??
      (rows[0] as { department_code: string | null }).department_code ??
      actor.departmentCode ??
      null;
    // a department-scoped writer records facts of its own departments only
    if (actor.scope.departments !== null && !actor.scope.departments.includes(departmentCode ?? '')) {
      throw new AppError(
        'PERMISSION_DENIED',
        'you may record facts of your own department only',
        'input.kind',
      );
    }
    const [id] = await this.ledger.allocateIds(this.pool, 'FACT', 1);
    await this.ledger.record([
      {
        source: { ...staffSource(person.districtCode, actor, 'recordFact', input), departmentCode },
        writes: [
          {
            type: 'FACT',
            districtCode: person.districtCode,
            id,
            create: true,
            values: {
              person_id: person.id,
              kind: input.kind,
              department_code: departmentCode,
              valid_from: input.validFrom,
              valid_to: input.validTo ?? null,
              attributes: input.attributes ?? {},
              status: 'ACTIVE',
            },
          },
        ],
      },
    ]);
    return (await this.byIds([id], actor.scope))[0]!;
  }

  /** Ends a fact on a day (the allowance stopped), keeping its history. */
  async end(id: number, validTo: string, actor: Actor): Promise<FactRow> {
    const [fact] = await this.byIds([id], actor.scope);
    if (!fact) throw new AppError('VALUE_INVALID', `no fact has id ${id}`, 'id');
    if (validTo < fact.validFrom)
      throw new AppError('VALUE_INVALID', 'validTo must not be before the fact began', 'validTo');
    await this.ledger.record([
      {
        source: {
          ...staffSource(fact.districtCode, actor, 'endFact', { id, validTo }),
          departmentCode: fact.departmentCode,
        },
        writes: [
          { type: 'FACT', districtCode: fact.districtCode, id, create: false, values: { valid_to: validTo } },
        ],
      },
    ]);
    return (await this.byIds([id], actor.scope))[0]!;
  }
}
