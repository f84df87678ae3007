import { openTestDb, TestDb } from '../../test/harness';
import { buildTerritory, T } from '../../test/factories';
import { buildCli } from '../cli/main';

/** The CLI against this file's own database (config() reads DATABASE_URL once, on first use). */
let db: TestDb;
const lines: string[] = [];
beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
  process.env.DATABASE_URL = db.url;
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
});
afterAll(async () => {
  jest.restoreAllMocks();
  await db.close();
});

async function cli(...args: string[]): Promise<string[]> {
  lines.length = 0;
  await buildCli()
    .exitOverride()
    .parseAsync(['node', 'yibiao', ...args]);
  return [...lines];
}

describe('yibiao user, key and token', () => {
  it('user add prints a generated password once; token prints a usable token on its last line', async () => {
    const out = await cli('user', 'add', '张社区', '--role', 'COMMUNITY_STAFF', '--area', T.communityA);
    expect(out[0]).toBe('created account 张社区 (COMMUNITY_STAFF)');
    const password = /^password \(shown once\): (\S+)$/.exec(out[1])![1];
    await expect(db.services.auth.login('张社区', password)).resolves.toHaveProperty('accessToken');
    const token = (await cli('token', '--user', '张社区')).at(-1)!;
    const viewer = await db.services.auth.viewerFromToken(token);
    expect(viewer).toMatchObject({ name: '张社区', role: 'COMMUNITY_STAFF' });
    expect(viewer.areaScope).toEqual([T.communityA]);
  });

  it('user add with departments for an analyst; key add prints the key on its last line', async () => {
    await cli(
      'user',
      'add',
      'health-1',
      '--role',
      'DEPARTMENT_ANALYST',
      '--area',
      T.district,
      '--department',
      'HEALTH',
    );
    const v = await db.services.auth.viewerFromToken((await cli('token', '--user', 'health-1')).at(-1)!);
    expect(v.departments).toEqual(['HEALTH']);
    const out = await cli(
      'key',
      'add',
      '12345热线',
      '--scopes',
      'record:read,pii:unmask',
      '--area',
      T.street,
      '--expires-in',
      '30',
    );
    const key = out.at(-1)!;
    const app = await db.services.auth.viewerFromApiKey(key);
    expect([...app.permissions].sort()).toEqual(['pii:unmask', 'record:read']);
    expect(app.areaScope).toEqual([T.street]);
  });

  it('refuses an unknown role with the reason', async () => {
    await expect(cli('user', 'add', 'someone', '--role', 'GOD', '--area', T.street)).rejects.toMatchObject({
      reason: 'ROLE_INVALID',
    });
  });
});
