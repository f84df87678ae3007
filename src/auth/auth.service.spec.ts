import { openTestDb, TestDb } from '../../test/harness';
import { buildTerritory, T } from '../../test/factories';
import { hashSecret, signAccessToken, signingKey } from './tokens';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
});
afterAll(() => db.close());

describe('staff accounts and sessions', () => {
  it('stores an argon2id hash, never the password, and signs in with it', async () => {
    const auth = db.services.auth;
    await auth.createAccount(
      {
        name: 'wangfang',
        role: 'COMMUNITY_STAFF',
        areaCodes: [T.communityA],
        password: '正确的密码-2026-春分',
      },
      'test',
    );
    const { rows } = await db.services.pool.query(
      `SELECT password_hash FROM account WHERE name = 'wangfang'`,
    );
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
    expect(rows[0].password_hash).not.toContain('正确的密码');
    const session = await auth.login('wangfang', '正确的密码-2026-春分');
    const viewer = await auth.viewerFromToken(session.accessToken);
    expect(viewer).toMatchObject({ name: 'wangfang', role: 'COMMUNITY_STAFF', kind: 'STAFF' });
    expect(viewer.areaScope).toEqual([T.communityA]);
    expect(viewer.scope.areaPaths).toEqual([
      `${T.province}.${T.city}.${T.district}.${T.street}.${T.communityA}`,
    ]);
    expect(viewer.can('pii:unmask')).toBe(true);
    expect(viewer.can('audit:read')).toBe(false);
  });

  it('answers an unknown name and a wrong password alike', async () => {
    await expect(db.services.auth.login('wangfang', 'wrong password!!')).rejects.toMatchObject({
      reason: 'CREDENTIALS_INVALID',
      message: 'the name or the password is wrong',
    });
    await expect(db.services.auth.login('nobody', 'wrong password!!')).rejects.toMatchObject({
      reason: 'CREDENTIALS_INVALID',
      message: 'the name or the password is wrong',
    });
  });

  it('generates a password when none is given and returns it once', async () => {
    const r = await db.services.auth.createAccount(
      { name: 'gen-user', role: 'GRID_WORKER', areaCodes: [T.gridA1] },
      'test',
    );
    expect(r.generatedPassword).toMatch(/^[A-Za-z0-9_-]{20}$/);
    await expect(db.services.auth.login('gen-user', r.generatedPassword!)).resolves.toHaveProperty(
      'accessToken',
    );
  });

  it('refuses bad account settings with the field at fault', async () => {
    const auth = db.services.auth;
    await expect(
      auth.createAccount({ name: 'x1', role: 'SUPERUSER', areaCodes: [T.street] }, 't'),
    ).rejects.toMatchObject({ reason: 'ROLE_INVALID', field: 'role' });
    await expect(
      auth.createAccount({ name: 'x2', role: 'GRID_WORKER', areaCodes: ['999999'] }, 't'),
    ).rejects.toMatchObject({ reason: 'AREA_UNKNOWN', field: 'area' });
    await expect(
      auth.createAccount({ name: 'x3', role: 'DEPARTMENT_ANALYST', areaCodes: [T.district] }, 't'),
    ).rejects.toMatchObject({ reason: 'SCOPE_INVALID', field: 'department' });
    await expect(
      auth.createAccount({ name: 'wangfang', role: 'GRID_WORKER', areaCodes: [T.gridA1] }, 't'),
    ).rejects.toMatchObject({ reason: 'ACCOUNT_NAME_TAKEN' });
    await expect(
      auth.createAccount({ name: 'x4', role: 'GRID_WORKER', areaCodes: [T.gridA1], password: 'short' }, 't'),
    ).rejects.toMatchObject({ reason: 'VALUE_INVALID', field: 'password' });
  });

  it('rotates refresh tokens, stores only their hash, and revokes the family when a used one comes back', async () => {
    const auth = db.services.auth;
    const first = await auth.login('wangfang', '正确的密码-2026-春分');
    const stored = await db.services.pool.query(
      `SELECT token_hash FROM refresh_token WHERE token_hash = $1`,
      [hashSecret(first.refreshToken)],
    );
    expect(stored.rowCount).toBe(1);
    const plain = await db.services.pool.query(`SELECT 1 FROM refresh_token WHERE token_hash = $1`, [
      first.refreshToken,
    ]);
    expect(plain.rowCount).toBe(0);

    const second = await auth.refresh(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    // the used token is replayed (stolen): refused, and the newer token of its family dies with it
    await expect(auth.refresh(first.refreshToken)).rejects.toMatchObject({ reason: 'REFRESH_TOKEN_INVALID' });
    await expect(auth.refresh(second.refreshToken)).rejects.toMatchObject({
      reason: 'REFRESH_TOKEN_INVALID',
    });
    // another session of the same account is untouched
    const other = await auth.login('wangfang', '正确的密码-2026-春分');
    await expect(auth.refresh(other.refreshToken)).resolves.toHaveProperty('accessToken');
  });

  it('refuses a tampered, foreign or expired access token', async () => {
    const auth = db.services.auth;
    const { accessToken } = await auth.login('wangfang', '正确的密码-2026-春分');
    const [h, p, s] = accessToken.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, role: 'COMMAND_CENTER', areas: [T.province] })).toString('base64url')}.${s}`;
    await expect(auth.viewerFromToken(forged)).rejects.toMatchObject({ reason: 'TOKEN_INVALID' });
    await expect(auth.viewerFromToken('not.a.token')).rejects.toMatchObject({ reason: 'TOKEN_INVALID' });

    const other = await signAccessToken(
      { accountId: 1, name: 'x', role: 'ADMIN', areaCodes: [T.province], departmentCodes: [] },
      signingKey('another-secret-of-at-least-32-characters', 'x'),
      60,
    );
    await expect(auth.viewerFromToken(other.token)).rejects.toMatchObject({ reason: 'TOKEN_INVALID' });
    const expired = await signAccessToken(
      { accountId: 1, name: 'x', role: 'ADMIN', areaCodes: [T.province], departmentCodes: [] },
      signingKey(undefined, db.url),
      -10,
    );
    await expect(auth.viewerFromToken(expired.token)).rejects.toMatchObject({
      reason: 'TOKEN_INVALID',
      message: expect.stringContaining('expired'),
    });
  });

  it('verifies a token once and reuses the viewer, but never past the token expiry', async () => {
    const auth = db.services.auth;
    const claims = {
      accountId: 1,
      name: 'x',
      role: 'ADMIN' as const,
      areaCodes: [T.province],
      departmentCodes: [],
    };
    const key = signingKey(undefined, db.url);
    const lasting = await signAccessToken(claims, key, 600);
    const first = await auth.viewerFromToken(lasting.token);
    expect(await auth.viewerFromToken(lasting.token)).toBe(first);

    // a token that lapses in a second: accepted (and cached) now, refused once it has lapsed
    const brief = await signAccessToken(claims, key, 1);
    await expect(auth.viewerFromToken(brief.token)).resolves.toHaveProperty('id', 'account:1');
    await new Promise((r) => setTimeout(r, Math.max(0, brief.expiresAt.getTime() - Date.now()) + 1100));
    await expect(auth.viewerFromToken(brief.token)).rejects.toMatchObject({
      reason: 'TOKEN_INVALID',
      message: expect.stringContaining('expired'),
    });
    // a tampered copy of a cached token is still checked
    const [h, p, sig] = lasting.token.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, name: 'y' })).toString('base64url')}.${sig}`;
    await expect(auth.viewerFromToken(forged)).rejects.toMatchObject({ reason: 'TOKEN_INVALID' });
  });

  it('a disabled account can neither sign in nor refresh', async () => {
    const auth = db.services.auth;
    await auth.createAccount(
      { name: 'leaver', role: 'GRID_WORKER', areaCodes: [T.gridA1], password: 'leaver-password-1' },
      't',
    );
    const s = await auth.login('leaver', 'leaver-password-1');
    await auth.disableAccount('leaver');
    await expect(auth.login('leaver', 'leaver-password-1')).rejects.toMatchObject({
      reason: 'CREDENTIALS_INVALID',
    });
    await expect(auth.refresh(s.refreshToken)).rejects.toMatchObject({ reason: 'REFRESH_TOKEN_INVALID' });
  });
});

describe('API keys', () => {
  it('are stored hashed, carry exactly their scopes, and stop working when revoked or expired', async () => {
    const auth = db.services.auth;
    const k = await auth.createApiKey(
      { name: '民政随访App', scopes: ['record:read'], areaCodes: [T.communityB], expiresInDays: 30 },
      'test',
    );
    expect(k.key).toMatch(/^yb_/);
    const { rows } = await db.services.pool.query(`SELECT key_hash FROM api_key WHERE id = $1`, [k.id]);
    expect(rows[0].key_hash).toBe(hashSecret(k.key));
    const v = await auth.viewerFromApiKey(k.key);
    expect(v).toMatchObject({ kind: 'APP', role: 'APP', name: '民政随访App' });
    expect([...v.permissions]).toEqual(['record:read']);
    expect(v.areaScope).toEqual([T.communityB]);

    await auth.revokeApiKey(k.id);
    await expect(auth.viewerFromApiKey(k.key)).rejects.toMatchObject({ reason: 'API_KEY_INVALID' });

    const old = await auth.createApiKey(
      { name: 'old', scopes: ['record:read'], areaCodes: [T.communityB], expiresInDays: 1 },
      'test',
    );
    await db.services.pool.query(
      `UPDATE api_key SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [old.id],
    );
    await expect(auth.viewerFromApiKey(old.key)).rejects.toMatchObject({ reason: 'API_KEY_INVALID' });
    await expect(auth.viewerFromApiKey('yb_guessed')).rejects.toMatchObject({ reason: 'API_KEY_INVALID' });
  });

  it('cannot be granted account management or the audit log, nor unknown scopes', async () => {
    const auth = db.services.auth;
    const base = { name: 'k', areaCodes: [T.street], expiresInDays: 10 };
    await expect(auth.createApiKey({ ...base, scopes: ['audit:read'] }, 't')).rejects.toMatchObject({
      reason: 'SCOPE_INVALID',
    });
    await expect(auth.createApiKey({ ...base, scopes: ['record:delete'] }, 't')).rejects.toMatchObject({
      reason: 'SCOPE_INVALID',
      message: expect.stringContaining('record:delete'),
    });
  });
});
