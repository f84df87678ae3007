/**
 * Roles and what they permit. System administration (ADMIN: accounts and keys), audit (AUDITOR:
 * reads the audit log, changes nothing) and the daily work on the ledger are kept apart, as
 * GB/T 22239 level 3 asks: no role both administers accounts and reads the audit log, and neither
 * of those two reads or changes residents' data.
 */

/** What an account or key may do. */
export const PERMISSIONS = {
  /** Read ledger records (persons, households, houses, things, cases, facts) in scope. */
  RECORD_READ: 'record:read',
  /** Create and correct ledger records in scope. */
  RECORD_WRITE: 'record:write',
  /** Read unmasked ID numbers, phones and exact addresses, stating a purpose (audited). */
  PII_UNMASK: 'pii:unmask',
  /** Read the audit log. */
  AUDIT_READ: 'audit:read',
  /** Create, disable and revoke accounts and API keys. */
  ACCOUNT_MANAGE: 'account:manage',
} as const;

/** One permission, e.g. `record:read`. */
export type Permission = (typeof PERMISSIONS)[keyof typeof PERMISSIONS];

/** Every permission, for validating the scopes of an API key. */
export const ALL_PERMISSIONS: readonly Permission[] = Object.values(PERMISSIONS);

/** Account roles (the database enum account_role). */
export const ROLES = [
  'GRID_WORKER',
  'COMMUNITY_STAFF',
  'STREET_STAFF',
  'DEPARTMENT_ANALYST',
  'COMMAND_CENTER',
  'AUDITOR',
  'ADMIN',
  'APP',
] as const;

/** An account role. */
export type Role = (typeof ROLES)[number];

const { RECORD_READ, RECORD_WRITE, PII_UNMASK, AUDIT_READ, ACCOUNT_MANAGE } = PERMISSIONS;

/**
 * The permissions of each staff role. APP has none of its own: an API key carries exactly the
 * scopes it was granted.
 */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  GRID_WORKER: [RECORD_READ, RECORD_WRITE],
  COMMUNITY_STAFF: [RECORD_READ, RECORD_WRITE, PII_UNMASK],
  STREET_STAFF: [RECORD_READ, RECORD_WRITE, PII_UNMASK],
  DEPARTMENT_ANALYST: [RECORD_READ],
  COMMAND_CENTER: [RECORD_READ, RECORD_WRITE, PII_UNMASK],
  AUDITOR: [AUDIT_READ],
  ADMIN: [ACCOUNT_MANAGE],
  APP: [],
};

/** Whether a string names a role. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Whether a string names a permission. */
export function isPermission(value: string): value is Permission {
  return (ALL_PERMISSIONS as readonly string[]).includes(value);
}
