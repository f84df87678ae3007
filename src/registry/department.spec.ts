import { openTestApi, type TestApi } from '../../test/harness';
import { buildPerson, buildTerritory, sendPhone } from '../../test/factories';
import { LedgerService } from '../ledger/ledger.service';
import { buildCli } from '../cli/main';

let db: TestApi;
beforeAll(async () => {
  db = await openTestApi();
  await buildTerritory(db.services);
});
afterAll(() => db.close());

async function phoneOf(id: number): Promise<string> {
  return (await db.services.pool.query('SELECT phone FROM person WHERE id = $1', [id])).rows[0].phone;
}

it('lists the departments, the one whose values win first', async () => {
  const list = await db.services.departments.list();
  expect(list[0]).toEqual({ code: 'PUBLIC_SECURITY', name: '公安分局', precedence: 300 });
  const ranks = list.map((d) => d.precedence);
  expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
  expect(list.find((d) => d.code === 'HEALTH')?.precedence).toBe(150);
});

it('decides conflicts by the precedence an administrator sets, at once in this process', async () => {
  const { ledger, departments } = db.services;
  const p = await buildPerson(db.services, { name: '周慧' });
  await sendPhone(ledger, p.id, 'CIVIL_AFFAIRS', '13800000001');
  // HEALTH (150) below CIVIL_AFFAIRS (200): the shown phone stays, HEALTH's is a conflict
  expect((await sendPhone(ledger, p.id, 'HEALTH', '13800000002')).results[0].conflicts).toBe(1);
  expect(await phoneOf(p.id)).toBe('13800000001');
  expect(await departments.setPrecedence('HEALTH', 250)).toEqual({
    before: { code: 'HEALTH', name: '卫生健康局', precedence: 150 },
    after: { code: 'HEALTH', name: '卫生健康局', precedence: 250 },
  });
  // now HEALTH wins: its value is shown, CIVIL_AFFAIRS's kept as the conflict
  await sendPhone(ledger, p.id, 'HEALTH', '13800000003');
  expect(await phoneOf(p.id)).toBe('13800000003');
});

it('reaches a ledger in another process once its read of the precedence has aged', async () => {
  const other = new LedgerService(db.services.pool); // as another server or worker holds it
  const p = await buildPerson(db.services, { name: '吴敏' });
  await sendPhone(other, p.id, 'CIVIL_AFFAIRS', '13900000001'); // other reads HEALTH = 250 here
  await db.services.departments.setPrecedence('HEALTH', 100);
  // within its minute, other still decides with what it read: HEALTH (250 to it) wins
  await sendPhone(other, p.id, 'HEALTH', '13900000002');
  expect(await phoneOf(p.id)).toBe('13900000002');
  // once that read has aged, other reads HEALTH = 100: CIVIL_AFFAIRS (200) wins over it again
  other.precedenceMaxAgeMs = 0;
  await sendPhone(other, p.id, 'CIVIL_AFFAIRS', '13900000003');
  expect(await phoneOf(p.id)).toBe('13900000003');
});

it('refuses an unknown department or a precedence that is not a small whole number', async () => {
  const { departments } = db.services;
  await expect(departments.setPrecedence('NOBODY', 5)).rejects.toMatchObject({
    reason: 'DEPARTMENT_NOT_FOUND',
  });
  for (const bad of [-1, 1.5, 10_001, Number.NaN])
    await expect(departments.setPrecedence('HEALTH', bad)).rejects.toMatchObject({ reason: 'VALUE_INVALID' });
  expect((await departments.list()).find((d) => d.code === 'HEALTH')?.precedence).toBe(100);
});

it('registers `yibiao department list` and `yibiao department precedence CODE N`', () => {
  const cmd = buildCli().commands.find((c) => c.name() === 'department')!;
  expect(cmd.commands.map((c) => c.name()).sort()).toEqual(['list', 'precedence']);
});

it('gives front ends the code list over GraphQL, precedence included, to signed-in viewers', async () => {
  const r = await db.exec<{ departments: { code: string; name: string; precedence: number }[] }>(
    '{ departments { code name precedence } }',
  );
  expect(r.errors).toBeUndefined();
  expect(r.data!.departments).toEqual(await db.services.departments.list());
  expect(r.data!.departments.find((d) => d.code === 'HEALTH')?.precedence).toBe(100); // as set above
  const anonymous = await db.execAs(null, '{ departments { code } }');
  expect(anonymous.errors![0].extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
});
