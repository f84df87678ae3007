import { openTestApi, type TestApi } from '../../test/harness';
import { buildPerson, buildTerritory, idNumberFor, T } from '../../test/factories';
import { toGlobalId } from '../graphql/global-id';
import { UNRESTRICTED } from '../auth/scope';
import { ENTITIES, provenanceSql } from './entities';

let api: TestApi;
beforeAll(async () => {
  api = await openTestApi();
  await buildTerritory(api.services);
});
afterAll(() => api.close());

async function row(id: number) {
  const { rows } = await api.services.pool.query(
    `SELECT p.*, ${provenanceSql(ENTITIES.PERSON, 'p')} AS provenance FROM person p WHERE id = $1`,
    [id],
  );
  return rows[0];
}

const MERGE = `mutation($s: ID!, $m: ID!) { mergePersons(input: { survivorId: $s, mergedId: $m }) { mergeId survivorId mergedId } }`;
const UNMERGE = `mutation($id: ID!) { unmergePersons(mergeId: $id) { mergeId survivorId mergedId } }`;

describe('merging two person records', () => {
  it('moves the values the survivor lacks with their sources, the facts, and marks the other MERGED; unmerge restores both', async () => {
    const survivor = await buildPerson(api.services, {
      name: '王小明',
      idNumber: null,
      birthDate: '2019-05-01',
      gender: 'MALE',
    });
    const merged = await buildPerson(api.services, {
      name: '王小明',
      idNumber: idNumberFor('2019-05-01', 'MALE'),
      phone: '13812345678',
    });
    await api.services.facts.record(
      { personId: merged.id, kind: 'LEFT_BEHIND_CHILD', validFrom: '2024-01-01' },
      { name: '民政', scope: UNRESTRICTED },
      merged,
    );
    const beforeSurvivor = await row(survivor.id);
    const beforeMerged = await row(merged.id);

    const r = await api.exec(MERGE, {
      s: toGlobalId('Person', survivor.id),
      m: toGlobalId('Person', merged.id),
    });
    expect(r.errors).toBeUndefined();
    const s1 = await row(survivor.id);
    const m1 = await row(merged.id);
    expect(m1).toMatchObject({ status: 'MERGED', merged_into_id: survivor.id, id_number: null });
    expect(s1.id_number).toBe(beforeMerged.id_number);
    expect(s1.phone).toBe('13812345678');
    // the moved values keep the source records they came from
    expect(s1.provenance.phone).toBe(beforeMerged.provenance.phone);
    expect(s1.provenance.id_number).toBe(beforeMerged.provenance.id_number);
    const facts = await api.services.pool.query('SELECT person_id FROM fact WHERE kind = $1', [
      'LEFT_BEHIND_CHILD',
    ]);
    expect(facts.rows.map((f) => f.person_id)).toEqual([survivor.id]);

    const u = await api.exec(UNMERGE, { id: r.data!.mergePersons.mergeId });
    expect(u.errors).toBeUndefined();
    const s2 = await row(survivor.id);
    const m2 = await row(merged.id);
    for (const [before, after] of [
      [beforeSurvivor, s2],
      [beforeMerged, m2],
    ]) {
      for (const c of [
        'id_number',
        'name',
        'gender',
        'birth_date',
        'phone',
        'status',
        'merged_into_id',
        'area_code',
      ])
        expect(after[c]).toEqual(before[c]);
      expect(after.provenance).toEqual(before.provenance);
    }
    const back = await api.services.pool.query('SELECT person_id FROM fact WHERE kind = $1', [
      'LEFT_BEHIND_CHILD',
    ]);
    expect(back.rows.map((f) => f.person_id)).toEqual([merged.id]);
    // every step is in the change log
    const { rows } = await api.services.pool.query(
      "SELECT count(*)::int AS n FROM ledger_change WHERE entity_type = 'PERSON' AND entity_id = $1",
      [merged.id],
    );
    expect(rows[0].n).toBe(3);
    // a merge is undone once
    expect(
      (await api.exec(UNMERGE, { id: r.data!.mergePersons.mergeId })).errors?.[0].extensions,
    ).toMatchObject({ reason: 'MERGE_NOT_FOUND' });
  });

  it("needs record:write, and both records (and, to undo, both again) in the viewer's scope", async () => {
    const inA = await buildPerson(api.services, {
      name: '陈静',
      idNumber: null,
      birthDate: '2001-03-03',
      gender: 'FEMALE',
      areaCode: T.gridA1,
    });
    const inA2 = await buildPerson(api.services, {
      name: '陈静',
      idNumber: idNumberFor('2001-03-03', 'FEMALE'),
      areaCode: T.gridA2,
    });
    const inB = await buildPerson(api.services, {
      name: '陈静',
      idNumber: null,
      birthDate: '2001-03-03',
      gender: 'FEMALE',
      areaCode: T.gridB1,
    });
    const ids = (a: { id: number }, b: { id: number }) => ({
      s: toGlobalId('Person', a.id),
      m: toGlobalId('Person', b.id),
    });

    const analyst = await api.viewer('DEPARTMENT_ANALYST', [T.district], ['CIVIL_AFFAIRS']);
    const readOnly = await api.execAs(analyst, MERGE, ids(inA, inA2));
    expect(readOnly.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'PERMISSION_DENIED' });

    const staffA = await api.viewer('COMMUNITY_STAFF', [T.communityA]);
    for (const [a, b] of [
      [inA, inB],
      [inB, inA],
    ]) {
      const r = await api.execAs(staffA, MERGE, ids(a, b));
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'PERSON_NOT_FOUND' });
    }
    expect((await row(inB.id)).status).toBe('ACTIVE');

    const ok = await api.execAs(staffA, MERGE, ids(inA, inA2));
    expect(ok.errors).toBeUndefined();
    const mergeId = ok.data!.mergePersons.mergeId;
    const staffB = await api.viewer('COMMUNITY_STAFF', [T.communityB]);
    const foreign = await api.execAs(staffB, UNMERGE, { id: mergeId });
    expect(foreign.errors?.[0].extensions).toMatchObject({ reason: 'MERGE_NOT_FOUND' });
    expect((await row(inA2.id)).status).toBe('MERGED');
    expect((await api.execAs(staffA, UNMERGE, { id: mergeId })).errors).toBeUndefined();
    expect((await row(inA2.id)).status).toBe('ACTIVE');
  });

  it('refuses to merge two records with different valid ID numbers', async () => {
    const a = await buildPerson(api.services, { name: '李娜', birthDate: '1990-06-18', gender: 'FEMALE' });
    const b = await buildPerson(api.services, { name: '李娜', birthDate: '1990-06-18', gender: 'FEMALE' });
    const r = await api.exec(MERGE, { s: toGlobalId('Person', a.id), m: toGlobalId('Person', b.id) });
    expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'MERGE_REFUSED' });
    expect((await row(b.id)).status).toBe('ACTIVE');
  });
});
