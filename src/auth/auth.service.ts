import { randomBytes, randomUUID } from 'node:crypto';
import argon2 from 'argon2';
import type pg from 'pg';
import { AppError } from '../errors/app-error';
import type { AreaService } from '../geo/area.service';
import { authSql } from './auth.queries';
import { isPermission, isRole, Permission, Role } from './roles';
import { scopeOf } from './scope';
import { AccessClaims, hashSecret, newSecret, signAccessToken, verifyAccessToken } from './tokens';
import { Viewer } from './viewer';

/** An account as stored (the hash never leaves this service). */
interface AccountRow {
  id: number;
  name: string;
  role: Role;
  passwordHash: string;
  areaCodes: string[];
  departmentCodes: string[];
  disabledAt: Date | null;
}

/** A new account's settings. */
export interface NewAccount {
  name: string;
  role: string;
  areaCodes: string[];
  departmentCodes?: string[];
  /** Omitted: a random password is generated and returned once. */
  password?: string;
}

/** What sign-in and refresh hand out. */
export interface Session {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
}

/** Settings of the identity service. */
export interface AuthSettings {
  signingKey: Uint8Array;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
}

const API_KEY_PREFIX = 'yb_';
/**
 * How long a verified API key is trusted without asking the database again: keeps the key lookup
 * off the hot path (a request refused by the limits then sends no SQL at all). A revocation acts
 * at once in this process and within this time in the others.
 */
export const API_KEY_CACHE_MS = 30_000;
/**
 * How long a verified access token's viewer is reused without checking its signature again (never
 * past the token's own expiry). Access tokens cannot be revoked before they lapse, so the cache
 * changes no answer; the bound keeps a viewer's scope in step with changes to the area tree.
 */
export const TOKEN_CACHE_MS = 30_000;
const CACHE_LIMIT = 10_000;
// verified against when the account does not exist, so both failures take the same time
const DUMMY_HASH = argon2.hash('not a password of anyone', { type: argon2.argon2id });

/**
 * Identity: staff accounts with argon2id password hashes, short-lived JWT access tokens with
 * rotating refresh tokens (stored hashed; reuse of a replaced one revokes the family), and API
 * keys for third-party applications (stored hashed, scoped, expiring, revocable).
 */
export class AuthService {
  private readonly keyCache = new Map<string, { viewer: Viewer; until: number }>();
  private readonly tokenCache = new Map<string, { viewer: Viewer; until: number }>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly areas: AreaService,
    private readonly settings: AuthSettings,
  ) {}

  /** Creates a staff account; returns the password when it was generated (shown once). */
  async createAccount(
    input: NewAccount,
    createdBy: string,
  ): Promise<{ id: number; name: string; role: Role; generatedPassword: string | null }> {
    const name = input.name.trim();
    if (!/^[\p{L}\p{N}_.@-]{2,64}$/u.test(name))
      throw new AppError('VALUE_INVALID', 'name must be 2–64 letters, digits, _ . @ or -', 'name');
    if (!isRole(input.role) || input.role === 'APP')
      throw new AppError('ROLE_INVALID', `role must be one of the staff roles, not ${input.role}`, 'role');
    await this.checkScope(input.areaCodes, input.departmentCodes ?? [], 'area');
    if (input.role === 'DEPARTMENT_ANALYST' && !input.departmentCodes?.length)
      throw new AppError('SCOPE_INVALID', 'a DEPARTMENT_ANALYST needs at least one department', 'department');
    if (input.password !== undefined && input.password.length < 12)
      throw new AppError('VALUE_INVALID', 'the password must have at least 12 characters', 'password');
    const password = input.password ?? randomBytes(15).toString('base64url');
    const hash = await argon2.hash(password, { type: argon2.argon2id });
    try {
      const { rows } = await this.pool.query<AccountRow>(authSql.insertAccount, [
        name,
        input.role,
        hash,
        input.areaCodes,
        input.departmentCodes ?? [],
        createdBy,
      ]);
      return {
        id: rows[0].id,
        name,
        role: input.role,
        generatedPassword: input.password === undefined ? password : null,
      };
    } catch (e) {
      if ((e as { code?: string }).code === '23505')
        throw new AppError('ACCOUNT_NAME_TAKEN', `an account named ${name} exists`, 'name');
      throw e;
    }
  }

  /**
   * Creates the `admin` account (ADMIN: manages accounts and keys, reads no resident's data) over
   * an area when it does not exist yet; returns its generated password once, else null.
   */
  async ensureAdmin(areaCode: string): Promise<string | null> {
    const { rows } = await this.pool.query<AccountRow>(authSql.accountByName, ['admin']);
    if (rows[0]) return null;
    const created = await this.createAccount({ name: 'admin', role: 'ADMIN', areaCodes: [areaCode] }, 'seed');
    return created.generatedPassword;
  }

  /** Signs in with name and password; the same answer for an unknown name and a wrong password. */
  async login(name: string, password: string): Promise<Session> {
    const { rows } = await this.pool.query<AccountRow>(authSql.accountByName, [name]);
    const account = rows[0];
    const ok = account
      ? await argon2.verify(account.passwordHash, password)
      : await argon2.verify(await DUMMY_HASH, password).then(() => false);
    if (!account || !ok || account.disabledAt)
      throw new AppError('CREDENTIALS_INVALID', 'the name or the password is wrong');
    return this.openSession(account, randomUUID());
  }

  /**
   * Exchanges a refresh token for a new session; the old token is used up. Presenting a token that
   * was already used means it was copied: the whole family is revoked, so the thief and the owner
   * both have to sign in again.
   */
  async refresh(refreshToken: string): Promise<Session> {
    const hash = hashSecret(refreshToken);
    const { rows } = await this.pool.query<{ accountId: number; family: string }>(authSql.useRefreshToken, [
      hash,
    ]);
    if (!rows[0]) {
      const fam = await this.pool.query<{ family: string }>(authSql.refreshTokenFamily, [hash]);
      if (fam.rows[0]) await this.pool.query(authSql.revokeFamily, [fam.rows[0].family]);
      throw new AppError('REFRESH_TOKEN_INVALID', 'the refresh token is unknown, used, revoked or expired');
    }
    const account = (await this.pool.query<AccountRow>(authSql.accountById, [rows[0].accountId])).rows[0];
    if (!account || account.disabledAt)
      throw new AppError('REFRESH_TOKEN_INVALID', 'the refresh token is unknown, used, revoked or expired');
    return this.openSession(account, rows[0].family);
  }

  /** An access token for an account by name, without its password (local use: `yibiao token`). */
  async issueToken(name: string): Promise<{ token: string; expiresAt: Date }> {
    const { rows } = await this.pool.query<AccountRow>(authSql.accountByName, [name]);
    if (!rows[0] || rows[0].disabledAt)
      throw new AppError('ACCOUNT_NOT_FOUND', `no active account is named ${name}`, 'user');
    return signAccessToken(
      this.claimsOf(rows[0]),
      this.settings.signingKey,
      this.settings.accessTokenTtlSeconds,
    );
  }

  /** Disables an account and revokes its refresh tokens (its access tokens lapse within their TTL). */
  async disableAccount(name: string): Promise<void> {
    const { rows } = await this.pool.query<{ id: number }>(authSql.disableAccount, [name]);
    if (!rows[0]) throw new AppError('ACCOUNT_NOT_FOUND', `no active account is named ${name}`, 'name');
    await this.pool.query(authSql.revokeAccountTokens, [rows[0].id]);
  }

  /** Creates an API key; the key itself is returned once and only its hash is kept. */
  async createApiKey(
    input: {
      name: string;
      scopes: string[];
      areaCodes: string[];
      departmentCodes?: string[];
      expiresInDays: number;
    },
    createdBy: string,
  ): Promise<{ id: number; key: string; expiresAt: Date }> {
    if (!input.name.trim()) throw new AppError('VALUE_INVALID', 'the key needs a name', 'name');
    const bad = input.scopes.filter((s) => !isPermission(s));
    if (bad.length || input.scopes.length === 0)
      throw new AppError('SCOPE_INVALID', `unknown scopes: ${bad.join(', ') || '(none given)'}`, 'scopes');
    if (input.scopes.includes('account:manage') || input.scopes.includes('audit:read'))
      throw new AppError('SCOPE_INVALID', 'API keys cannot manage accounts or read the audit log', 'scopes');
    if (!Number.isInteger(input.expiresInDays) || input.expiresInDays < 1 || input.expiresInDays > 730)
      throw new AppError('VALUE_INVALID', 'expiry must be 1–730 days', 'expiresInDays');
    await this.checkScope(input.areaCodes, input.departmentCodes ?? [], 'area');
    const key = API_KEY_PREFIX + newSecret();
    const expiresAt = new Date(Date.now() + input.expiresInDays * 86400_000);
    const { rows } = await this.pool.query<{ id: number }>(authSql.insertApiKey, [
      input.name.trim(),
      hashSecret(key),
      input.scopes,
      input.areaCodes,
      input.departmentCodes ?? [],
      expiresAt,
      createdBy,
    ]);
    return { id: rows[0].id, key, expiresAt };
  }

  /** Revokes an API key at once. */
  async revokeApiKey(id: number): Promise<void> {
    const { rows } = await this.pool.query(authSql.revokeApiKey, [id]);
    if (!rows[0]) throw new AppError('API_KEY_INVALID', `no live API key has id ${id}`, 'id');
    for (const [hash, entry] of this.keyCache)
      if (entry.viewer.id === `key:${id}`) this.keyCache.delete(hash);
  }

  /** The viewer behind an access token (checked without SQL). */
  async viewerFromToken(token: string): Promise<Viewer> {
    // checking the HMAC and the claims costs more than a map lookup on every request (bench/RESULTS.md)
    const cached = this.tokenCache.get(token);
    if (cached) {
      if (cached.until > Date.now()) return cached.viewer;
      this.tokenCache.delete(token);
    }
    const c = await verifyAccessToken(token, this.settings.signingKey);
    const scope = await scopeOf(this.areas, c.areaCodes, c.departmentCodes.length ? c.departmentCodes : null);
    const viewer = Viewer.staff(`account:${c.accountId}`, c.name, c.role, scope);
    viewer.expiresAt = c.expiresAt ?? null;
    if (this.tokenCache.size >= CACHE_LIMIT) this.tokenCache.clear();
    this.tokenCache.set(token, {
      viewer,
      until: Math.min(Date.now() + TOKEN_CACHE_MS, viewer.expiresAt?.getTime() ?? 0),
    });
    return viewer;
  }

  /** The viewer behind an API key: exactly the scopes it was granted. */
  async viewerFromApiKey(key: string): Promise<Viewer> {
    if (!key.startsWith(API_KEY_PREFIX)) throw new AppError('API_KEY_INVALID', 'the API key is not valid');
    const hash = hashSecret(key);
    const cached = this.keyCache.get(hash);
    if (cached && cached.until > Date.now()) return cached.viewer;
    const { rows } = await this.pool.query<{
      id: number;
      name: string;
      scopes: string[];
      areaCodes: string[];
      departmentCodes: string[];
      expiresAt: Date;
    }>(authSql.liveApiKey, [hash]);
    const k = rows[0];
    if (!k) throw new AppError('API_KEY_INVALID', 'the API key is unknown, revoked or expired');
    const scope = await scopeOf(this.areas, k.areaCodes, k.departmentCodes.length ? k.departmentCodes : null);
    const permissions = new Set(k.scopes.filter(isPermission) as Permission[]);
    const viewer = new Viewer('APP', `key:${k.id}`, k.name, 'APP', permissions, scope);
    viewer.expiresAt = k.expiresAt;
    if (this.keyCache.size >= CACHE_LIMIT) this.keyCache.clear();
    this.keyCache.set(hash, {
      viewer,
      until: Math.min(Date.now() + API_KEY_CACHE_MS, k.expiresAt.getTime()),
    });
    return viewer;
  }

  private claimsOf(a: AccountRow): AccessClaims {
    return {
      accountId: a.id,
      name: a.name,
      role: a.role,
      areaCodes: a.areaCodes,
      departmentCodes: a.departmentCodes,
    };
  }

  private async openSession(account: AccountRow, family: string): Promise<Session> {
    const access = await signAccessToken(
      this.claimsOf(account),
      this.settings.signingKey,
      this.settings.accessTokenTtlSeconds,
    );
    const refreshToken = newSecret();
    const refreshTokenExpiresAt = new Date(Date.now() + this.settings.refreshTokenTtlDays * 86400_000);
    await this.pool.query(authSql.insertRefreshToken, [
      account.id,
      family,
      hashSecret(refreshToken),
      refreshTokenExpiresAt,
    ]);
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken,
      refreshTokenExpiresAt,
    };
  }

  private async checkScope(areaCodes: string[], departmentCodes: string[], field: string): Promise<void> {
    if (areaCodes.length === 0) throw new AppError('SCOPE_INVALID', 'at least one area is needed', field);
    for (const code of areaCodes) await this.areas.get(code, field);
    if (departmentCodes.length) {
      const { rows } = await this.pool.query<{ code: string }>(authSql.departmentsIn, [departmentCodes]);
      const missing = departmentCodes.filter((d) => !rows.some((r) => r.code === d));
      if (missing.length)
        throw new AppError(
          'DEPARTMENT_NOT_FOUND',
          `unknown departments: ${missing.join(', ')}`,
          'department',
        );
    }
  }
}
