import { AppError } from '../errors/app-error';
import type { Actor } from '../registry/person.service';
import { Permission, Role, ROLE_PERMISSIONS } from './roles';
import { NOTHING, Scope, UNRESTRICTED } from './scope';

/** Who is asking: a member of staff, a third-party application, or the system itself. */
export type ViewerKind = 'STAFF' | 'APP' | 'SYSTEM' | 'ANONYMOUS';

/**
 * The authenticated caller of one request: their role, permissions and scope. Resolvers pass the
 * viewer (it is also the `Actor` of writes) to the services, which apply `scope` in their SQL.
 */
export class Viewer implements Actor {
  readonly departmentCode: string | null;
  /** When the credentials behind this viewer lapse (token or key expiry); null: never. */
  expiresAt: Date | null = null;

  constructor(
    readonly kind: ViewerKind,
    /** Account or key id (`account:3`, `key:7`). */
    readonly id: string,
    readonly name: string,
    readonly role: Role,
    readonly permissions: ReadonlySet<Permission>,
    readonly scope: Scope,
    departmentCode?: string | null,
  ) {
    // a write is attributed to a department only when the account belongs to exactly one
    this.departmentCode =
      departmentCode !== undefined
        ? departmentCode
        : scope.departments?.length === 1
          ? scope.departments[0]
          : null;
  }

  /** Area codes whose subtrees are visible (null: all). */
  get areaScope(): readonly string[] | null {
    return this.scope.areaCodes;
  }

  /** Departments whose facts are visible (null: all). */
  get departments(): readonly string[] | null {
    return this.scope.departments;
  }

  /**
   * The scope of the viewer's record reads: their scope when they hold record:read, otherwise
   * nothing (an auditor or an administrator sees no resident's record).
   */
  get readScope(): Scope {
    return this.can('record:read') ? this.scope : NOTHING;
  }

  /** Whether the viewer holds a permission. */
  can(permission: Permission): boolean {
    return this.permissions.has(permission);
  }

  /** Throws FORBIDDEN unless the viewer holds the permission. */
  require(permission: Permission): void {
    if (!this.can(permission)) {
      throw new AppError('PERMISSION_DENIED', `this operation needs the permission ${permission}`);
    }
  }

  /** A staff viewer with the permissions of its role. */
  static staff(id: string, name: string, role: Role, scope: Scope): Viewer {
    return new Viewer('STAFF', id, name, role, new Set(ROLE_PERMISSIONS[role]), scope);
  }
}

/** The viewer of system work (seed, CLI): every permission, everywhere. Never given to a request. */
export const SYSTEM_VIEWER = new Viewer(
  'SYSTEM',
  'system',
  'system',
  'ADMIN',
  new Set<Permission>(['record:read', 'record:write', 'pii:unmask', 'audit:read', 'account:manage']),
  UNRESTRICTED,
);

/** The caller of a request without credentials: no permission and nothing in scope. */
export const ANONYMOUS_VIEWER = new Viewer('ANONYMOUS', 'anonymous', 'anonymous', 'APP', new Set(), NOTHING);
