import { openTestApi, TestApi } from '../../test/harness';
import { buildPerson, buildTerritory, idNumberFor, T } from '../../test/factories';

let api: TestApi;
beforeAll(async () => {
  api = await openTestApi();
  await buildTerritory(api.services);
});
afterAll(() => api.close());

const CREATE = `mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id name gender birthDate idNumber phone area { code } version } } }`;

describe('createPerson validation', () => {
  it('rejects a wrong check character with BAD_USER_INPUT naming the field', async () => {
    const good = idNumberFor('1990-01-02', 'FEMALE');
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const r = await api.exec(CREATE, { input: { name: '李娜', idNumber: bad, areaCode: T.gridA1 } });
    expect(r.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'ID_CHECKSUM_INVALID',
      field: 'input.idNumber',
    });
    expect(r.errors?.[0].message).not.toContain(bad);
  });

  it('rejects a birth date that disagrees with the ID number', async () => {
    const r = await api.exec(CREATE, {
      input: {
        name: '李娜',
        idNumber: idNumberFor('1990-01-02', 'FEMALE'),
        birthDate: '1990-01-03',
        areaCode: T.gridA1,
      },
    });
    expect(r.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'BIRTH_DATE_MISMATCH',
      field: 'input.birthDate',
    });
  });

  it('rejects a gender that disagrees with the ID number', async () => {
    const r = await api.exec(CREATE, {
      input: {
        name: '李娜',
        idNumber: idNumberFor('1990-01-02', 'FEMALE'),
        gender: 'MALE',
        areaCode: T.gridA1,
      },
    });
    expect(r.errors?.[0].extensions).toMatchObject({ reason: 'GENDER_MISMATCH', field: 'input.gender' });
  });

  it('rejects an unknown area and an area above community level', async () => {
    const r1 = await api.exec(CREATE, { input: { name: '王芳', areaCode: '610902999999' } });
    expect(r1.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'AREA_UNKNOWN',
      field: 'input.areaCode',
    });
    const r2 = await api.exec(CREATE, { input: { name: '王芳', areaCode: T.street } });
    expect(r2.errors?.[0].extensions).toMatchObject({ reason: 'AREA_LEVEL_INVALID' });
  });

  it('rejects a second person with the same ID number as a CONFLICT', async () => {
    const idNumber = idNumberFor('1975-03-04', 'MALE');
    const first = await api.exec(CREATE, { input: { name: '赵强', idNumber, areaCode: T.gridA1 } });
    expect(first.errors).toBeUndefined();
    const second = await api.exec(CREATE, { input: { name: '赵强', idNumber, areaCode: T.gridB1 } });
    expect(second.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ID_NUMBER_TAKEN' });
  });

  it('accepts a messy but valid ID number, derives gender and birth date, masks personal data', async () => {
    const idNumber = idNumberFor('1948-03-02', 'FEMALE');
    const messy = ` ${idNumber.slice(0, 6)} ${idNumber.slice(6, 14)} ${idNumber.slice(14).toLowerCase()} `;
    const r = await api.exec(CREATE, {
      input: { name: '陈 秀英', idNumber: messy, phone: '138-1234-5678', areaCode: T.gridA2 },
    });
    expect(r.errors).toBeUndefined();
    const p = r.data!.createPerson.person;
    expect(p).toMatchObject({
      name: '陈秀英',
      gender: 'FEMALE',
      birthDate: '1948-03-02',
      phone: '138****5678',
      area: { code: T.gridA2 },
      version: 1,
    });
    expect(p.idNumber).toBe(idNumber.slice(0, 6) + '********' + idNumber.slice(14));
  });
});

describe('ledger history and as-of reads', () => {
  it('keeps every change with its source and reads the person as of an earlier instant', async () => {
    const person = await buildPerson(api.services, { name: '刘洋', phone: '13900000001' });
    const gid = Buffer.from(`Person:${person.id}`).toString('base64url');
    const before = new Date();
    await new Promise((r) => setTimeout(r, 20));
    const upd = await api.exec(
      `mutation($id: ID!, $input: UpdatePersonInput!) { updatePerson(id: $id, input: $input) { person { phone version } } }`,
      { id: gid, input: { phone: '13900000002', residenceType: 'FLOATING', expectedVersion: 1 } },
    );
    expect(upd.errors).toBeUndefined();
    expect(upd.data!.updatePerson.person).toEqual({ phone: '139****0002', version: 2 });

    const q = `query($id: ID!, $asOf: DateTime) { person(id: $id, asOf: $asOf) { phone residenceType version
      sources { field source { kind actor } } history { op actor fields { field oldValue newValue } } } }`;
    const now = await api.exec(q, { id: gid });
    expect(now.data!.person.residenceType).toBe('FLOATING');
    const then = await api.exec(q, { id: gid, asOf: before.toISOString() });
    expect(then.data!.person).toMatchObject({
      phone: '139****0001',
      residenceType: 'REGISTERED',
      version: 1,
    });

    const history = now.data!.person.history;
    expect(history.map((h: { op: string }) => h.op)).toEqual(['CREATE', 'UPDATE']);
    expect(history[1].actor).toBe('test-staff');
    expect(history[1].fields).toEqual(
      expect.arrayContaining([{ field: 'phone', oldValue: '139****0001', newValue: '139****0002' }]),
    );
    const phoneSource = now.data!.person.sources.find((s: { field: string }) => s.field === 'phone');
    expect(phoneSource.source).toEqual({ kind: 'STAFF_EDIT', actor: 'test-staff' });
    const nameSource = now.data!.person.sources.find((s: { field: string }) => s.field === 'name');
    expect(nameSource.source.actor).toBe('factory');
  });

  it('refuses an edit made against a stale version', async () => {
    const person = await buildPerson(api.services, { name: '周杰' });
    const gid = Buffer.from(`Person:${person.id}`).toString('base64url');
    const m = `mutation($id: ID!, $input: UpdatePersonInput!) { updatePerson(id: $id, input: $input) { person { version } } }`;
    expect(
      (await api.exec(m, { id: gid, input: { name: '周洁', expectedVersion: 1 } })).errors,
    ).toBeUndefined();
    const stale = await api.exec(m, { id: gid, input: { name: '周婕', expectedVersion: 1 } });
    expect(stale.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT' });
  });

  it('a person created after an instant does not exist as of that instant', async () => {
    const t = new Date(Date.now() - 1000);
    const person = await buildPerson(api.services, { name: '孙悦' });
    const gid = Buffer.from(`Person:${person.id}`).toString('base64url');
    const r = await api.exec(`query($id: ID!, $asOf: DateTime) { person(id: $id, asOf: $asOf) { name } }`, {
      id: gid,
      asOf: t.toISOString(),
    });
    expect(r.data!.person).toBeNull();
  });
});
