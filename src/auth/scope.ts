import { AppError } from '../errors/app-error';
import type { AreaService } from '../geo/area.service';

/**
 * What a reader may see, in the form the services' SQL needs: the ltree paths of the area
 * subtrees (null: every area) and the departments whose facts are visible (null: every
 * department). Services take a Scope on every read and apply it inside their own statements, so
 * an out-of-scope record behaves as if it did not exist, whichever resolver, loader or job asks.
 */
export interface Scope {
  /** Codes of the roots of the visible subtrees; null: everything. */
  areaCodes: readonly string[] | null;
  /** ltree paths of those roots, for `path <@ ANY(...)`. */
  areaPaths: readonly string[] | null;
  /** Departments whose facts are visible; null: every department. */
  departments: readonly string[] | null;
}

/**
 * The scope of system work (seeding, ingest matching, migrations): everything. API requests
 * never get it; they get their viewer's scope.
 */
export const UNRESTRICTED: Scope = Object.freeze({ areaCodes: null, areaPaths: null, departments: null });

/** The scope that sees nothing (no area, no department). */
export const NOTHING: Scope = Object.freeze({ areaCodes: [], areaPaths: [], departments: [] });

/** Builds a scope from area codes (resolved to their paths through the in-memory tree). */
export async function scopeOf(
  areas: AreaService,
  areaCodes: readonly string[] | null,
  departments: readonly string[] | null,
): Promise<Scope> {
  if (areaCodes === null) return { areaCodes: null, areaPaths: null, departments };
  const paths: string[] = [];
  for (const code of areaCodes) {
    // an area that no longer exists grants nothing
    if (await areas.find(code)) paths.push(await areas.pathOf(code));
  }
  return { areaCodes: [...areaCodes], areaPaths: paths, departments };
}

/**
 * SQL condition limiting `column` (an area_code) to the scope's subtrees; `add` registers a
 * parameter and returns its placeholder. Unrestricted scopes add nothing to the statement.
 */
export function areaScopeSql(scope: Scope, column: string, add: (value: unknown) => string): string {
  if (scope.areaPaths === null) return 'true';
  return `${column} IN (SELECT code FROM area WHERE path <@ ANY(${add(scope.areaPaths)}::ltree[]))`;
}

/** SQL condition limiting a department_code column to the scope's departments. */
export function departmentScopeSql(scope: Scope, column: string, add: (value: unknown) => string): string {
  if (scope.departments === null) return 'true';
  return `${column} = ANY(${add(scope.departments)}::text[])`;
}

/** Whether an area (by code) lies inside the scope; checked in memory (no SQL). */
export function areaInScope(areas: AreaService, scope: Scope, areaCode: string | null): boolean {
  if (scope.areaCodes === null) return true;
  if (areaCode === null) return false;
  return scope.areaCodes.some((root) => areas.isWithin(areaCode, root));
}

/**
 * Refuses an area outside the scope as if it did not exist (AREA_UNKNOWN): figures, cohorts and
 * reports of an area reveal what lies in it, so they follow the same rule as its records.
 */
export function assertAreaInScope(
  areas: AreaService,
  scope: Scope,
  areaCode: string,
  field = 'areaCode',
): void {
  if (!areaInScope(areas, scope, areaCode)) {
    throw new AppError('AREA_UNKNOWN', `no area has code ${areaCode}`, field);
  }
}

/**
 * Whether an area is visible in the territory tree: inside the scope, or an ancestor of one of
 * its roots (so that a community's staff see the chain 陕西省 › 安康市 › … above them, not the
 * neighbouring communities).
 */
export function areaVisible(areas: AreaService, scope: Scope, areaCode: string): boolean {
  if (areaInScope(areas, scope, areaCode)) return true;
  return (scope.areaCodes ?? []).some((root) => areas.isWithin(root, areaCode));
}
