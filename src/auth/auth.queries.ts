/** SQL of identity: accounts, refresh tokens and API keys. */

const accountCols = `id, name, role::text AS role, password_hash AS "passwordHash", area_codes AS "areaCodes",
  department_codes AS "departmentCodes", disabled_at AS "disabledAt"`;

export const authSql = {
  insertAccount: `
    INSERT INTO account (name, role, password_hash, area_codes, department_codes, created_by)
    VALUES ($1, $2::account_role, $3, $4::text[], $5::text[], $6) RETURNING ${accountCols}`,
  accountByName: `SELECT ${accountCols} FROM account WHERE name = $1`,
  accountById: `SELECT ${accountCols} FROM account WHERE id = $1`,
  setPassword: `UPDATE account SET password_hash = $2 WHERE id = $1`,
  disableAccount: `UPDATE account SET disabled_at = now() WHERE name = $1 AND disabled_at IS NULL RETURNING id`,

  insertRefreshToken: `
    INSERT INTO refresh_token (account_id, family, token_hash, expires_at) VALUES ($1, $2, $3, $4)`,
  /** Marks a live refresh token used and returns it; nothing when it is unknown, used or expired. */
  useRefreshToken: `
    UPDATE refresh_token SET used_at = now()
    WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
    RETURNING account_id AS "accountId", family`,
  refreshTokenFamily: `SELECT family FROM refresh_token WHERE token_hash = $1`,
  revokeFamily: `UPDATE refresh_token SET revoked_at = now() WHERE family = $1 AND revoked_at IS NULL`,
  revokeAccountTokens: `UPDATE refresh_token SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL`,

  insertApiKey: `
    INSERT INTO api_key (name, key_hash, scopes, area_codes, department_codes, expires_at, created_by)
    VALUES ($1, $2, $3::text[], $4::text[], $5::text[], $6, $7) RETURNING id`,
  liveApiKey: `
    SELECT id, name, scopes, area_codes AS "areaCodes", department_codes AS "departmentCodes",
           expires_at AS "expiresAt"
    FROM api_key WHERE key_hash = $1 AND revoked_at IS NULL AND expires_at > now()`,
  departmentsIn: `SELECT code FROM department WHERE code = ANY($1::text[])`,
  revokeApiKey: `UPDATE api_key SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
};
