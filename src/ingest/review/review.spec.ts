import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { broadTestViewer, openTestApi, type TestApi } from '../../../test/harness';
import { buildTerritory, sendPhone, T } from '../../../test/factories';
import { UNRESTRICTED } from '../../auth/scope';
import { idOf } from '../../graphql/global-id';
import { IngestService } from '../run/ingest.service';

const DIR = join(__dirname, '../../../fixtures/ingest');
const broad = broadTestViewer('reviewer');

let api: TestApi;
const runs: Record<string, number> = {};
beforeAll(async () => {
  api = await openTestApi();
  await buildTerritory(api.services);
  api.services.ingest = new IngestService(api.services.pool, api.services.ledger, api.services.areas, {
    storageDir: mkdtempSync(join(tmpdir(), 'review-')),
  });
  // two children without ID numbers (education), then a roster naming them again at other addresses:
  // two doubtful matches; the police, civil-affairs and health rosters disagree about phones and areas
  const dir = mkdtempSync(join(tmpdir(), 'review-'));
  writeFileSync(
    join(dir, 'other.csv'),
    '姓名,性别,出生日期,家庭住址\n王小明,男,2019-05-01,新城街道文昌社区文昌路99号\n陈雨萱,女,2020-09-09,新城街道文昌社区文昌路98号\n',
  );
  for (const [path, file, profile] of [
    [DIR, 'police-registry.csv', 'police-registry'],
    [DIR, 'civil-affairs-dibao.xlsx', 'civil-affairs-dibao'],
    [DIR, 'health-chronic.csv', 'health-chronic'],
    [DIR, 'education-children.xlsx', 'education-children'],
    [dir, 'other.csv', null],
  ] as const) {
    const run = await api.services.ingest.ingestFile(join(path, file), {
      fileName: file,
      profile,
      areaCode: T.street,
      actor: 'test',
      scope: UNRESTRICTED,
    });
    expect(run.status).toBe('SUCCEEDED');
    runs[file] = run.id;
  }
});
afterAll(() => api.close());

const QUEUE = `{ reviewQueue(first: 100) { id kind person candidate field chosenValue otherValue } }`;
const RESOLVE = `mutation($id: ID!, $d: ReviewDecision!, $note: String) {
  resolveReviewItem(id: $id, decision: $d, note: $note) { id kind person decision note resolvedBy resolvedAt mergeId }
}`;

interface Item {
  id: string;
  kind: string;
  person: string;
  candidate: string | null;
  field: string | null;
}

async function queue(): Promise<Item[]> {
  const q = await api.exec<{ reviewQueue: Item[] }>(QUEUE);
  expect(q.errors).toBeUndefined();
  return q.data!.reviewQueue;
}

async function itemOf(kind: string, field: string | null = null, name?: string): Promise<Item> {
  for (const i of await queue()) {
    if (i.kind !== kind || i.field !== field) continue;
    if (name && (await person(idOf(i.person, 'Person'))).name !== name) continue;
    return i;
  }
  throw new Error(`no open ${kind} ${field ?? ''} ${name ?? ''} in the queue`);
}

async function person(id: number) {
  const { rows } = await api.services.pool.query(
    'SELECT id, name, phone, area_code, status, merged_into_id, version, provenance FROM person WHERE id = $1',
    [id],
  );
  return rows[0];
}

async function departmentOf(sourceId: number): Promise<string | null> {
  const { rows } = await api.services.pool.query('SELECT department_code FROM source_record WHERE id = $1', [
    sourceId,
  ]);
  return rows[0].department_code;
}

async function openPhoneConflicts(personId: number) {
  const { rows } = await api.services.pool.query(
    "SELECT chosen_value, other_value FROM conflict WHERE entity_id = $1 AND field = 'phone' AND status = 'OPEN' ORDER BY id",
    [personId],
  );
  return rows;
}

async function resolve(id: string, d: string, note?: string, as = 'reviewer') {
  return api.exec(RESOLVE, { id, d, note }, as);
}

describe('what the queue shows', () => {
  it("where each side came from: the other value's source or the row, and the shown value's source", async () => {
    const q = await api.exec<{ reviewQueue: (Item & { source: any; chosenSource: any })[] }>(
      `{ reviewQueue(first: 100) { id kind field person
           source { kind departmentCode fileName sheet rowNumber } chosenSource { id departmentCode fileName } } }`,
    );
    expect(q.errors).toBeUndefined();
    const items = q.data!.reviewQueue;
    const phone = items.find((i) => i.kind === 'CONFLICT' && i.field === 'phone')!;
    const { rows } = await api.services.pool.query(
      `SELECT o.department_code AS other_department, o.file_name AS other_file, o.row_number AS other_row,
              c.chosen_source_id
       FROM conflict c JOIN source_record o ON o.id = c.other_source_id WHERE c.id = $1`,
      [Number(phone.id.split(':')[1])],
    );
    expect(phone.source).toMatchObject({
      kind: 'INGEST',
      departmentCode: rows[0].other_department,
      fileName: rows[0].other_file,
      rowNumber: rows[0].other_row,
    });
    expect(phone.chosenSource.id).toBe(String(rows[0].chosen_source_id));
    expect(phone.chosenSource.departmentCode).not.toBe(phone.source.departmentCode);
    // a doubtful match and a row that contradicts its ID number point at the row that raised them
    const match = items.filter((i) => i.kind === 'LOW_SCORE_MATCH');
    expect(match.map((i) => [i.source.fileName, i.source.rowNumber]).sort()).toEqual([
      ['other.csv', 2],
      ['other.csv', 3],
    ]);
    expect(match.every((i) => i.chosenSource === null)).toBe(true);
    const row = items.find((i) => i.kind === 'ROW_CONTRADICTS_ID')!;
    expect(row.source).toMatchObject({
      fileName: 'civil-affairs-dibao.xlsx',
      departmentCode: 'CIVIL_AFFAIRS',
    });
  });

  it('narrows to one run, one area or one kind', async () => {
    const all = await queue();
    const of = (args: string) =>
      api.exec<{ reviewQueue: Item[] }>(`{ reviewQueue(first: 100, ${args}) { id kind person } }`);
    const conflicts = (await of('kind: "CONFLICT"')).data!.reviewQueue;
    expect(conflicts.map((i) => i.id).sort()).toEqual(
      all
        .filter((i) => i.kind === 'CONFLICT')
        .map((i) => i.id)
        .sort(),
    );
    // the roster of two namesakes raised the two doubtful matches, and nothing else
    const other = (await of(`runId: "${runs['other.csv']}"`)).data!.reviewQueue;
    expect(other.map((i) => i.kind)).toEqual(['LOW_SCORE_MATCH', 'LOW_SCORE_MATCH']);
    // the health roster: the conflicts one of whose values it brought
    const { rows } = await api.services.pool.query<{ id: number }>(
      `SELECT c.id FROM conflict c JOIN source_record s ON s.id IN (c.other_source_id, c.chosen_source_id)
       WHERE s.ingest_run_id = $1 AND c.status = 'OPEN' ORDER BY c.id`,
      [runs['health-chronic.csv']],
    );
    expect(rows.length).toBeGreaterThan(0);
    const health = (await of(`runId: "${runs['health-chronic.csv']}"`)).data!.reviewQueue;
    expect(health.map((i) => i.id).sort()).toEqual(rows.map((r) => `CONFLICT:${r.id}`).sort());
    expect(health.length).toBeLessThan(all.length);
    // one community: exactly the items about persons recorded inside it
    // the counts match the lists, narrowed the same way
    const counts = await api.exec<Record<string, number>>(
      `{ all: reviewQueueCount conflicts: reviewQueueCount(kind: "CONFLICT")
         other: reviewQueueCount(runId: "${runs['other.csv']}") inA: reviewQueueCount(areaCode: "${T.communityA}") }`,
    );
    expect(counts.errors).toBeUndefined();
    const inA = (await of(`areaCode: "${T.communityA}"`)).data!.reviewQueue;
    expect(counts.data).toEqual({ all: all.length, conflicts: conflicts.length, other: 2, inA: inA.length });
    const areaOf = async (gid: string) => (await person(idOf(gid, 'Person'))).area_code as string;
    const expected = [];
    for (const i of all) if ((await areaOf(i.person)).startsWith(T.communityA)) expected.push(i.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    expect(inA.map((i) => i.id).sort()).toEqual(expected.sort());
    // an area outside the viewer's scope does not exist for them; a kind that is none is refused
    const outside = await api.viewer('GRID_WORKER', [T.communityB]);
    const refused = await api.execAs(outside, `{ reviewQueue(areaCode: "${T.communityA}") { id } }`);
    expect(refused.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'AREA_UNKNOWN' });
    expect((await of('kind: "DUPLICATE"')).errors![0].extensions).toMatchObject({ reason: 'VALUE_INVALID' });
    expect((await of('areaCode: "999999"')).errors![0].extensions).toMatchObject({ reason: 'AREA_UNKNOWN' });
  });
});

describe('answering conflicts', () => {
  it("TAKE_OTHER makes the other source's value the shown one, as the reviewer's edit, and closes the conflict", async () => {
    const item = await itemOf('CONFLICT', 'phone');
    const personId = idOf(item.person, 'Person');
    const { rows: conflicts } = await api.services.pool.query(
      'SELECT other_value, other_source_id FROM conflict WHERE id = $1',
      [Number(item.id.split(':')[1])],
    );
    const before = await person(personId);
    expect(before.phone).not.toBe(conflicts[0].other_value);

    const r = await resolve(item.id, 'TAKE_OTHER', '入户核实：电话已更换');
    expect(r.errors).toBeUndefined();
    expect(r.data!.resolveReviewItem).toMatchObject({
      id: item.id,
      kind: 'CONFLICT',
      person: item.person,
      decision: 'TAKE_OTHER',
      note: '入户核实：电话已更换',
      resolvedBy: 'reviewer',
      mergeId: null,
    });
    const after = await person(personId);
    expect(after.phone).toBe(conflicts[0].other_value);
    expect(after.version).toBe(before.version + 1);
    // the phone's source is now the reviewer's edit, which names the source the value came from
    const { rows: src } = await api.services.pool.query(
      'SELECT kind, actor, raw FROM source_record WHERE id = $1',
      [after.provenance.phone],
    );
    expect(src[0]).toMatchObject({
      kind: 'STAFF_EDIT',
      actor: 'reviewer',
      raw: {
        operation: 'resolveReviewItem',
        item: item.id,
        field: 'phone',
        takenFrom: conflicts[0].other_source_id,
      },
    });
    const { rows: change } = await api.services.pool.query(
      "SELECT changes FROM ledger_change WHERE entity_type = 'PERSON' AND entity_id = $1 ORDER BY id DESC LIMIT 1",
      [personId],
    );
    expect(change[0].changes.phone).toEqual([before.phone, conflicts[0].other_value]);
    // a later roster giving the old phone again neither overwrites the reviewer's answer nor raises
    // again what the reviewer turned down; a phone nobody has answered for is a new conflict
    const department = await departmentOf(before.provenance.phone);
    expect(
      (await sendPhone(api.services.ledger, personId, department, before.phone)).results[0].conflicts,
    ).toBe(0);
    expect((await person(personId)).phone).toBe(conflicts[0].other_value);
    expect(await openPhoneConflicts(personId)).toEqual([]);
    expect(
      (await sendPhone(api.services.ledger, personId, department, '13900001111')).results[0].conflicts,
    ).toBe(1);
    expect((await person(personId)).phone).toBe(conflicts[0].other_value);
    expect(await openPhoneConflicts(personId)).toEqual([
      { chosen_value: conflicts[0].other_value, other_value: '13900001111' },
    ]);
    // answered once: out of the queue, shown as resolved on the person, refused a second time
    expect((await queue()).filter((i) => i.field === 'phone' && i.person === item.person)).toHaveLength(1);
    expect((await queue()).map((i) => i.id)).not.toContain(item.id);
    const shown = await api.exec(
      `query($id: ID!) { node(id: $id) { ... on Person { conflicts { id status decision resolvedAt } } } }`,
      { id: item.person },
    );
    expect(shown.errors).toBeUndefined();
    expect(shown.data!.node.conflicts).toContainEqual(
      expect.objectContaining({ id: item.id.split(':')[1], status: 'RESOLVED', decision: 'TAKE_OTHER' }),
    );
    const again = await resolve(item.id, 'KEEP');
    expect(again.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'REVIEW_ITEM_RESOLVED' });
    expect(again.errors![0].message).toContain('TAKE_OTHER by reviewer');
  });

  it('does not raise a disagreement again while it waits for review, nor once a reviewer kept the shown value', async () => {
    const item = await itemOf('CONFLICT', 'phone');
    const personId = idOf(item.person, 'Person');
    const [open] = await openPhoneConflicts(personId);
    const { rows } = await api.services.pool.query('SELECT other_source_id FROM conflict WHERE id = $1', [
      Number(item.id.split(':')[1]),
    ]);
    const department = await departmentOf(rows[0].other_source_id);
    const phone = (await person(personId)).phone;
    expect(phone).toBe(open.chosen_value);
    // the same roster value again (a corrected roster whose row changed elsewhere): no second item
    expect(
      (await sendPhone(api.services.ledger, personId, department, open.other_value)).results[0].conflicts,
    ).toBe(0);
    expect(await openPhoneConflicts(personId)).toEqual([open]);
    expect((await resolve(item.id, 'KEEP')).errors).toBeUndefined();
    expect(
      (await sendPhone(api.services.ledger, personId, department, open.other_value)).results[0].conflicts,
    ).toBe(0);
    expect(await openPhoneConflicts(personId)).toEqual([]);
    expect((await person(personId)).phone).toBe(phone);
  });

  it("TAKE_OTHER checks the other value as the reviewer's own correction would be checked", async () => {
    const q = await api.exec<{ reviewQueue: (Item & { otherValue: unknown })[] }>(
      `{ reviewQueue(first: 100, kind: "CONFLICT") { id kind person field otherValue } }`,
    );
    // a person shown in 文昌社区 whom another source placed at the street itself
    const item = q.data!.reviewQueue.find((i) => i.field === 'areaCode' && i.otherValue === T.street)!;
    const personId = idOf(item.person, 'Person');
    const before = await person(personId);
    const staffA = await api.viewer('COMMUNITY_STAFF', [T.communityA]);
    const outside = await api.execAs(staffA, RESOLVE, { id: item.id, d: 'TAKE_OTHER' });
    expect(outside.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'AREA_UNKNOWN' });
    const level = await resolve(item.id, 'TAKE_OTHER');
    expect(level.errors![0].extensions).toMatchObject({ reason: 'AREA_LEVEL_INVALID' });
    // a field that changes through its own mutation is not taken from another source
    const { rows } = await api.services.pool.query<{ id: number }>(
      `INSERT INTO conflict (district_code, entity_type, entity_id, field, chosen_value, other_value, other_source_id)
       SELECT district_code, 'PERSON', id, 'household_id', 'null', '1', created_source_id FROM person WHERE id = $1
       RETURNING id`,
      [personId],
    );
    const household = await resolve(`CONFLICT:${rows[0].id}`, 'TAKE_OTHER');
    expect(household.errors![0].extensions).toMatchObject({ reason: 'REVIEW_DECISION_INVALID' });
    expect(household.errors![0].message).toContain('setHouseholdMember');
    expect((await resolve(`CONFLICT:${rows[0].id}`, 'KEEP')).errors).toBeUndefined();
    // the refusals changed nothing and left the item open
    expect(await person(personId)).toEqual(before);
    expect((await queue()).map((i) => i.id)).toContain(item.id);
  });

  it('KEEP leaves the ledger as it is and closes the conflict; MERGE does not answer a conflict', async () => {
    const item = await itemOf('CONFLICT', 'areaCode');
    const personId = idOf(item.person, 'Person');
    const before = await person(personId);
    const merge = await resolve(item.id, 'MERGE');
    expect(merge.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'REVIEW_DECISION_INVALID',
    });
    const r = await resolve(item.id, 'KEEP');
    expect(r.errors).toBeUndefined();
    expect(r.data!.resolveReviewItem).toMatchObject({ decision: 'KEEP', note: null });
    expect(await person(personId)).toEqual(before);
    const { rows } = await api.services.pool.query(
      'SELECT status, decision, resolved_by FROM conflict WHERE id = $1',
      [Number(item.id.split(':')[1])],
    );
    expect(rows[0]).toEqual({ status: 'RESOLVED', decision: 'KEEP', resolved_by: 'reviewer' });
    // the person shows it answered, its field named as in the GraphQL type
    const shown = await api.exec(
      `query($id: ID!) { node(id: $id) { ... on Person { conflicts { id field status decision } } } }`,
      { id: item.person },
    );
    expect(shown.data!.node.conflicts).toContainEqual({
      id: item.id.split(':')[1],
      field: 'areaCode',
      status: 'RESOLVED',
      decision: 'KEEP',
    });
  });
});

describe('answering doubtful matches and rows', () => {
  it("MERGE merges the row's person into the candidate, answers the item, and unmergePersons undoes it", async () => {
    const item = await itemOf('LOW_SCORE_MATCH', null, '王小明');
    const rowPerson = idOf(item.person, 'Person');
    const candidate = idOf(item.candidate!, 'Person');
    const r = await resolve(item.id, 'MERGE', '同一儿童，住址已变');
    expect(r.errors).toBeUndefined();
    expect(r.data!.resolveReviewItem).toMatchObject({
      decision: 'MERGE',
      note: '同一儿童，住址已变',
      resolvedBy: 'reviewer',
    });
    expect(await person(rowPerson)).toMatchObject({ status: 'MERGED', merged_into_id: candidate });
    expect(await person(candidate)).toMatchObject({ status: 'ACTIVE' });
    // the merge itself answered the item, in its own transaction
    const { rows } = await api.services.pool.query(
      'SELECT status, decision, note FROM review_item WHERE id = $1',
      [Number(item.id.split(':')[1])],
    );
    expect(rows[0]).toEqual({ status: 'RESOLVED', decision: 'MERGE', note: '同一儿童，住址已变' });
    const undo = await api.exec(`mutation($id: ID!) { unmergePersons(mergeId: $id) { mergedId } }`, {
      id: r.data!.resolveReviewItem.mergeId,
    });
    expect(undo.errors).toBeUndefined();
    expect(await person(rowPerson)).toMatchObject({ status: 'ACTIVE', merged_into_id: null });
    // undone, the doubt is open again for someone to answer
    expect((await queue()).map((i) => i.id)).toContain(item.id);
    expect((await resolve(item.id, 'KEEP', '核实后不是同一人')).errors).toBeUndefined();
  });

  it('KEEP answers a match (two persons) and a row that contradicts its ID number; TAKE_OTHER answers neither', async () => {
    const match = await itemOf('LOW_SCORE_MATCH', null, '陈雨萱');
    const other = await resolve(match.id, 'TAKE_OTHER');
    // a merge that answers an item finds it open under its own locks, or merges nothing (here as
    // if someone had answered it between the reviewer's look and the merge)
    const matchId = Number(match.id.split(':')[1]);
    await api.services.pool.query("UPDATE review_item SET status = 'RESOLVED' WHERE id = $1", [matchId]);
    await expect(
      api.services.merges.merge(idOf(match.candidate!, 'Person'), idOf(match.person, 'Person'), broad, {
        item: matchId,
      }),
    ).rejects.toMatchObject({ reason: 'REVIEW_ITEM_RESOLVED' });
    expect(await person(idOf(match.person, 'Person'))).toMatchObject({ status: 'ACTIVE' });
    await api.services.pool.query("UPDATE review_item SET status = 'OPEN' WHERE id = $1", [matchId]);
    expect(other.errors![0].extensions).toMatchObject({ reason: 'REVIEW_DECISION_INVALID' });
    expect((await resolve(match.id, 'KEEP', '不是同一人')).errors).toBeUndefined();
    expect(await person(idOf(match.person, 'Person'))).toMatchObject({ status: 'ACTIVE' });
    expect(await person(idOf(match.candidate!, 'Person'))).toMatchObject({ status: 'ACTIVE' });

    const row = await itemOf('ROW_CONTRADICTS_ID');
    const merge = await resolve(row.id, 'MERGE');
    expect(merge.errors![0].extensions).toMatchObject({ reason: 'REVIEW_DECISION_INVALID' });
    expect((await resolve(row.id, 'KEEP')).errors).toBeUndefined();
    expect((await queue()).map((i) => i.id)).not.toEqual(expect.arrayContaining([match.id, row.id]));
  });
});

describe('who may answer what', () => {
  it('needs record:write and the person in scope; a key that names nothing is not found', async () => {
    const item = await itemOf('CONFLICT', 'areaCode');
    const analyst = await api.viewer('DEPARTMENT_ANALYST', [T.street], ['CIVIL_AFFAIRS']);
    const denied = await api.execAs(analyst, RESOLVE, { id: item.id, d: 'KEEP' });
    expect(denied.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    // a grid worker of the other community: the street-level person is not theirs to see
    const outside = await api.viewer('GRID_WORKER', [T.communityB]);
    const hidden = await api.execAs(outside, RESOLVE, { id: item.id, d: 'KEEP' });
    expect(hidden.errors![0].extensions).toMatchObject({
      code: 'NOT_FOUND',
      reason: 'REVIEW_ITEM_NOT_FOUND',
    });
    for (const bad of [
      'CONFLICT:abc',
      'CONFLICT:0',
      'NOTHING:1',
      `LOW_SCORE_MATCH:${item.id.split(':')[1]}9999`,
    ]) {
      const r = await resolve(bad, 'KEEP');
      expect(r.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'REVIEW_ITEM_NOT_FOUND' });
    }
    const long = await resolve(item.id, 'KEEP', '很'.repeat(501));
    expect(long.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'VALUE_INVALID' });
    // none of the refusals answered it
    expect((await queue()).map((i) => i.id)).toContain(item.id);
  });
});
