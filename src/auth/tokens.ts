import { createHash, randomBytes } from 'node:crypto';
import type * as Jose from 'jose' with { 'resolution-mode': 'import' };
import { AppError } from '../errors/app-error';
import { isRole, Role } from './roles';

// jose is published as ES modules only: load it once with a dynamic import from this CommonJS build
let josePromise: Promise<typeof Jose> | undefined;
function jose(): Promise<typeof Jose> {
  return (josePromise ??= import('jose'));
}

const ISSUER = 'yibiao';
const AUDIENCE = 'yibiao-api';

/** What an access token says about its holder (no SQL is needed to check it). */
export interface AccessClaims {
  accountId: number;
  name: string;
  role: Role;
  areaCodes: string[];
  departmentCodes: string[];
  /** When the token lapses (set on verified tokens). */
  expiresAt?: Date;
}

/**
 * The HMAC key of access tokens. Production must configure AUTH_JWT_SECRET; elsewhere a key
 * derived from the database URL lets the CLI (`yibiao token`) and the server agree without setup.
 */
export function signingKey(secret: string | undefined, databaseUrl: string): Uint8Array {
  const text = secret ?? createHash('sha256').update(`yibiao-dev-signing:${databaseUrl}`).digest('hex');
  return new TextEncoder().encode(text);
}

/** Signs a short-lived access token (HS256). */
export async function signAccessToken(
  claims: AccessClaims,
  key: Uint8Array,
  ttlSeconds: number,
): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  const { SignJWT } = await jose();
  const token = await new SignJWT({
    name: claims.name,
    role: claims.role,
    areas: claims.areaCodes,
    depts: claims.departmentCodes,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(`account:${claims.accountId}`)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key);
  return { token, expiresAt };
}

/** Checks an access token's signature, issuer, audience and expiry; returns its claims. */
export async function verifyAccessToken(token: string, key: Uint8Array): Promise<AccessClaims> {
  const { errors, jwtVerify } = await jose();
  try {
    const { payload } = await jwtVerify(token, key, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
    });
    const m = /^account:(\d+)$/.exec(payload.sub ?? '');
    const role = String(payload.role);
    if (!m || !isRole(role) || !Array.isArray(payload.areas) || !Array.isArray(payload.depts)) {
      throw new AppError('TOKEN_INVALID', 'the access token is not one this server issued');
    }
    return {
      accountId: Number(m[1]),
      name: String(payload.name),
      role,
      areaCodes: payload.areas.map(String),
      departmentCodes: payload.depts.map(String),
      expiresAt: new Date((payload.exp ?? 0) * 1000),
    };
  } catch (e) {
    if (e instanceof AppError) throw e;
    if (e instanceof errors.JWTExpired)
      throw new AppError('TOKEN_INVALID', 'the access token has expired; refresh it or sign in again');
    throw new AppError('TOKEN_INVALID', 'the access token is not one this server issued');
  }
}

/** A new random secret (256 bits), URL-safe. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * SHA-256 of a high-entropy secret (refresh token, API key). Unlike passwords these carry 256
 * random bits, so a fast hash is enough and lets the lookup use an index.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
