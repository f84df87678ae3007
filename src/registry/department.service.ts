import type pg from 'pg';
import { AppError } from '../errors/app-error';
import type { LedgerService } from '../ledger/ledger.service';
import { departmentSql } from './department.queries';

/** A department of the district and its precedence. */
export interface DepartmentRow {
  code: string;
  name: string;
  precedence: number;
}

/** The largest precedence accepted: a small number staff can reason about, not a sort key. */
export const MAX_PRECEDENCE = 10_000;

/**
 * The source precedence that decides which department's value the ledger shows when two
 * disagree (the other is kept as a conflict for review). An administrator changes it with
 * `yibiao department precedence CODE N`; this process's ledger sees it at once, others within
 * their ledger's `precedenceMaxAgeMs`.
 */
export class DepartmentService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly ledger: LedgerService,
  ) {}

  /** Departments, the one whose values win first. */
  async list(): Promise<DepartmentRow[]> {
    return (await this.pool.query<DepartmentRow>(departmentSql.list)).rows;
  }

  /** Sets one department's precedence; returns it as it was and as it is now. */
  async setPrecedence(
    code: string,
    precedence: number,
  ): Promise<{ before: DepartmentRow; after: DepartmentRow }> {
    if (!Number.isInteger(precedence) || precedence < 0 || precedence > MAX_PRECEDENCE)
      throw new AppError(
        'VALUE_INVALID',
        `precedence must be a whole number from 0 to ${MAX_PRECEDENCE} (higher wins)`,
        'precedence',
      );
    const { rows } = await this.pool.query<DepartmentRow & { old: number }>(departmentSql.setPrecedence, [
      code,
      precedence,
    ]);
    if (rows.length === 0)
      throw new AppError('DEPARTMENT_NOT_FOUND', `no department has code ${code}`, 'code');
    this.ledger.invalidateDepartments();
    const { old, ...after } = rows[0];
    return { before: { ...after, precedence: old }, after };
  }
}
