import { ConfigError, loadConfig, withDefaults } from './config';

const base = { DATABASE_URL: 'postgresql://localhost/x', REDIS_URL: 'redis://localhost:6379' };

describe('security settings of the environment', () => {
  it('production needs a signing secret, and retention cannot go below 180 days; all problems at once', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', AUDIT_RETENTION_DAYS: '90' })).toThrow(
      ConfigError,
    );
    const both = () =>
      loadConfig({ ...base, NODE_ENV: 'production', AUDIT_RETENTION_DAYS: '90', AUTH_JWT_SECRET: 'short' });
    expect(both).toThrow(/AUTH_JWT_SECRET: must be at least 32 characters/);
    expect(both).toThrow(/AUDIT_RETENTION_DAYS/);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(
      /AUTH_JWT_SECRET: is required in production/,
    );
    expect(loadConfig({ ...base, NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(32) }).NODE_ENV).toBe(
      'production',
    );
  });

  it('defaults: 180 days of audit, 15-minute access tokens, no cross-origin access', () => {
    const c = withDefaults(base);
    expect(c).toMatchObject({
      AUDIT_RETENTION_DAYS: 180,
      ACCESS_TOKEN_TTL_SECONDS: 900,
      CORS_ORIGINS: '',
      LIMIT_DEPTH: 12,
      RATE_LIMIT_PER_MINUTE: 600,
    });
    expect(withDefaults({ ...base, LIMIT_DEPTH: 5 }).LIMIT_DEPTH).toBe(5);
  });
});

describe('read replica settings', () => {
  it('takes postgresql:// URLs, comma-separated, and names a bad list', () => {
    const c = loadConfig({ ...base, DATABASE_REPLICA_URLS: 'postgresql://r1/x, postgres://r2:5433/x' });
    expect(c.DATABASE_REPLICA_URLS).toContain('r2:5433');
    expect(c.DB_REPLICA_STICKY_SECONDS).toBe(5);
    expect(() => loadConfig({ ...base, DATABASE_REPLICA_URLS: 'postgresql://r1/x,mysql://r2/x' })).toThrow(
      /DATABASE_REPLICA_URLS: must be postgresql:\/\/ URLs, comma-separated/,
    );
  });
});
