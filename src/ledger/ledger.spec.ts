import { openTestApi, TestApi } from '../../test/harness';
import { buildTerritory, T } from '../../test/factories';
import { statementCounter, withTransaction } from '../db/pool';
import { ENTITIES, provenanceSql } from './entities';
import type { LedgerItem, SourceInput } from './ledger.types';

/** A person's provenance as every reader sees it (`provenanceSql`), over the table alias `p`. */
const PROVENANCE = `${provenanceSql(ENTITIES.PERSON, 'p')} AS provenance`;

let api: TestApi;
beforeAll(async () => {
  api = await openTestApi();
  await buildTerritory(api.services);
});
afterAll(() => api.close());

let row = 0;
/** A source row as a department spreadsheet (INGEST) or a staff edit would give it. */
function source(
  kind: SourceInput['kind'],
  departmentCode: string | null,
  raw: Record<string, unknown> = {},
): SourceInput {
  return {
    districtCode: T.district,
    kind,
    departmentCode,
    actor: `${kind}-${departmentCode ?? 'none'}`,
    fileName: 'test.xlsx',
    rowNumber: ++row,
    raw,
  };
}

async function newPersonIds(n: number): Promise<number[]> {
  return api.services.ledger.allocateIds(api.services.pool, 'PERSON', n);
}

/** Creates one person through the ledger; returns its id and the source record id. */
async function createPerson(values: Record<string, unknown>, src: SourceInput, at?: Date) {
  const [id] = await newPersonIds(1);
  const r = await api.services.ledger.record(
    [
      {
        source: src,
        writes: [
          {
            type: 'PERSON',
            districtCode: T.district,
            id,
            create: true,
            values: { status: 'ACTIVE', area_code: T.gridA1, ...values },
          },
        ],
      },
    ],
    { at },
  );
  return { id, sourceId: r.sourceRecordIds[0] };
}

async function updatePerson(id: number, values: Record<string, unknown>, src: SourceInput, at?: Date) {
  const r = await api.services.ledger.record(
    [{ source: src, writes: [{ type: 'PERSON', districtCode: T.district, id, create: false, values }] }],
    { at },
  );
  return { sourceId: r.sourceRecordIds[0], result: r.results[0] };
}

async function person(id: number) {
  const { rows } = await api.services.pool.query(
    `SELECT name, phone, version, ${PROVENANCE} FROM person p WHERE id = $1`,
    [id],
  );
  return rows[0] as {
    name: string;
    phone: string | null;
    version: number;
    provenance: Record<string, number>;
  };
}

async function conflicts(id: number) {
  const { rows } = await api.services.pool.query(
    `SELECT field, chosen_value, chosen_source_id, other_value, other_source_id, status::text AS status
     FROM conflict WHERE entity_type = 'PERSON' AND entity_id = $1 ORDER BY id`,
    [id],
  );
  return rows;
}

async function changes(type: string, id: number) {
  const { rows } = await api.services.pool.query(
    'SELECT op::text AS op, changes, source_record_id FROM ledger_change WHERE entity_type = $1 AND entity_id = $2 ORDER BY id',
    [type, id],
  );
  return rows as { op: string; changes: Record<string, [unknown, unknown]>; source_record_id: number }[];
}

describe('append-only tables', () => {
  beforeAll(async () => {
    // row triggers only fire when a row is hit: make sure both tables hold rows
    await createPerson({ name: '甲' }, source('STAFF_EDIT', null));
  });

  it.each(['source_record', 'ledger_change'])('refuses UPDATE, DELETE and TRUNCATE on %s', async (table) => {
    const pool = api.services.pool;
    const before = (await pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
    expect(before).toBeGreaterThan(0);
    await expect(pool.query(`UPDATE ${table} SET actor = 'tampered'`)).rejects.toThrow(/append-only/);
    await expect(pool.query(`DELETE FROM ${table}`)).rejects.toThrow(/append-only/);
    await expect(pool.query(`TRUNCATE ${table}`)).rejects.toThrow(/append-only/);
    const after = await pool.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE actor = 'tampered')::int AS t FROM ${table}`,
    );
    expect(after.rows[0]).toEqual({ n: before, t: 0 });
  });
});

describe('provenance and the change log', () => {
  it('a CREATE points every field at its source record and logs one CREATE change, shown as {field: [null, value]}', async () => {
    const src = source('INGEST', 'PUBLIC_SECURITY', { 姓名: '王建国', 电话: '13800000001' });
    const { id, sourceId } = await createPerson(
      { name: '王建国', phone: '13800000001', birth_date: '1960-02-03' },
      src,
    );

    const p = await person(id);
    expect(p.version).toBe(1);
    expect(p.provenance).toEqual({
      name: sourceId,
      phone: sourceId,
      birth_date: sourceId,
      status: sourceId,
      area_code: sourceId,
    });

    // the row logs no values (the entity's own row holds them); the history shows them
    const log = await changes('PERSON', id);
    expect(log).toEqual([{ op: 'CREATE', source_record_id: sourceId, changes: {} }]);
    const history = await api.services.history.changesOf('PERSON', id);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      op: 'CREATE',
      sourceRecordId: sourceId,
      changes: {
        name: [null, '王建国'],
        phone: [null, '13800000001'],
        birth_date: [null, '1960-02-03'],
        status: [null, 'ACTIVE'],
        area_code: [null, T.gridA1],
        version: [null, 1],
      },
    });
    expect(Object.keys(history[0].changes).sort()).toEqual(
      ['area_code', 'birth_date', 'name', 'phone', 'status', 'version'].sort(),
    );

    const { rows } = await api.services.pool.query(
      'SELECT kind::text AS kind, department_code, raw, file_name, row_number FROM source_record WHERE id = $1',
      [sourceId],
    );
    expect(rows[0]).toEqual({
      kind: 'INGEST',
      department_code: 'PUBLIC_SECURITY',
      raw: src.raw,
      file_name: 'test.xlsx',
      row_number: src.rowNumber,
    });
  });

  it('an UPDATE repoints only the changed fields at the new source and logs {field: [old, new]}', async () => {
    const { id, sourceId: first } = await createPerson(
      { name: '李梅', phone: '13800000002' },
      source('STAFF_EDIT', null),
    );
    const { sourceId: second } = await updatePerson(
      id,
      { name: '李梅', phone: '13800000003' },
      source('STAFF_EDIT', null),
    );
    const p = await person(id);
    expect(p.phone).toBe('13800000003');
    expect(p.version).toBe(2);
    expect(p.provenance).toMatchObject({ name: first, phone: second, area_code: first });
    const log = await changes('PERSON', id);
    expect(log.map((c) => c.op)).toEqual(['CREATE', 'UPDATE']);
    expect(log[1]).toEqual({
      op: 'UPDATE',
      source_record_id: second,
      changes: { phone: ['13800000002', '13800000003'], version: [1, 2] },
    });
  });

  it('keeps the creating source once per row: the stored map holds only the fields whose source differs', async () => {
    const { id, sourceId: created } = await createPerson(
      { name: '周敏', phone: '13800000004', ethnicity: null },
      source('INGEST', 'PUBLIC_SECURITY'),
    );
    const stored = async () =>
      (
        await api.services.pool.query<{
          provenance: Record<string, number | null>;
          created_source_id: number;
        }>('SELECT provenance, created_source_id FROM person WHERE id = $1', [id])
      ).rows[0];
    // a field the creation set to null has no value to stand for its source: it keeps its entry
    expect(await stored()).toEqual({ provenance: { ethnicity: created }, created_source_id: created });

    const { sourceId: edited } = await updatePerson(id, { phone: '13800000005' }, source('STAFF_EDIT', null));
    expect(await stored()).toEqual({
      provenance: { ethnicity: created, phone: edited },
      created_source_id: created,
    });
    // readers see every field's source, as when each was written out
    expect((await person(id)).provenance).toEqual({
      name: created,
      phone: edited,
      ethnicity: created,
      status: created,
      area_code: created,
    });
  });

  it("refuses a table too wide for the readers' map in one jsonb_build_object", () => {
    const columns = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`c${i}`, 'text' as const]));
    expect(() => provenanceSql({ type: 'THING', table: 'wide', columns }, 't')).toThrow(/at most 50 columns/);
  });

  it("a field's source taken away stays away, though the creating source would stand in for it", async () => {
    const { id, sourceId: created } = await createPerson(
      { name: '钱进', phone: '13800000006' },
      source('INGEST', 'PUBLIC_SECURITY'),
    );
    await api.services.ledger.record([
      {
        source: source('SYSTEM', null),
        writes: [
          {
            type: 'PERSON',
            districtCode: T.district,
            id,
            create: false,
            values: {},
            provenance: { phone: null },
          },
        ],
      },
    ]);
    expect((await person(id)).provenance).toEqual({ name: created, status: created, area_code: created });
    // the write path reads it the same way: another department's phone meets no source to weigh
    // against (with the creating department's standing in, precedence would log a conflict)
    const { sourceId: civil } = await updatePerson(
      id,
      { phone: '13800000007' },
      source('INGEST', 'CIVIL_AFFAIRS'),
    );
    expect(await person(id)).toMatchObject({ phone: '13800000007', provenance: { phone: civil } });
    expect(await conflicts(id)).toEqual([]);
  });

  it('values with tabs, line breaks, backslashes and quotes are stored exactly as sent, in every row written', async () => {
    const odd = 'a\tb\nc\r\\N d\\\\e "f" \\t';
    const src = source('INGEST', 'CIVIL_AFFAIRS', { 姓名: odd, 备注: { 原文: odd, 列表: [odd, null] } });
    const { id, sourceId } = await createPerson({ name: odd, phone: '\\N' }, src);
    const p = await person(id);
    expect(p.name).toBe(odd);
    expect(p.phone).toBe('\\N');
    expect((await api.services.history.changesOf('PERSON', id))[0].changes).toMatchObject({
      name: [null, odd],
      phone: [null, '\\N'],
    });
    const { rows } = await api.services.pool.query('SELECT raw FROM source_record WHERE id = $1', [sourceId]);
    expect(rows[0].raw).toEqual(src.raw);

    // a higher-precedence department replaces it: the conflict keeps both odd values
    await updatePerson(id, { name: `${odd}2` }, source('INGEST', 'PUBLIC_SECURITY'));
    const { rows: c } = await api.services.pool.query(
      'SELECT chosen_value, other_value FROM conflict WHERE entity_id = $1',
      [id],
    );
    expect(c).toEqual([{ chosen_value: `${odd}2`, other_value: odd }]);
  });

  it('a write that changes nothing logs nothing and keeps the version', async () => {
    const { id } = await createPerson({ name: '赵静', phone: '13800000004' }, source('STAFF_EDIT', null));
    const { result } = await updatePerson(
      id,
      { name: '赵静', phone: '13800000004' },
      source('STAFF_EDIT', null),
    );
    expect(result.changedFields).toEqual([]);
    expect((await person(id)).version).toBe(1);
    expect(await changes('PERSON', id)).toHaveLength(1);
  });
});

describe('conflicts between sources', () => {
  it('a lower-precedence department does not overwrite a higher one; the disagreement is kept', async () => {
    const { id, sourceId: ps } = await createPerson(
      { name: '孙立', phone: '13900000001' },
      source('INGEST', 'PUBLIC_SECURITY'),
    );
    const { sourceId: health, result } = await updatePerson(
      id,
      { phone: '13900000002' },
      source('INGEST', 'HEALTH'),
    );
    expect(result).toMatchObject({ changedFields: [], conflicts: 1 });
    const p = await person(id);
    expect(p).toMatchObject({ phone: '13900000001', version: 1 });
    expect(p.provenance.phone).toBe(ps);
    expect(await conflicts(id)).toEqual([
      {
        field: 'phone',
        chosen_value: '13900000001',
        chosen_source_id: ps,
        other_value: '13900000002',
        other_source_id: health,
        status: 'OPEN',
      },
    ]);
    expect(await changes('PERSON', id)).toHaveLength(1);
  });

  it('a higher-precedence department overwrites a lower one and records the replaced value as a conflict', async () => {
    const { id, sourceId: health } = await createPerson(
      { name: '周敏', phone: '13900000003' },
      source('INGEST', 'HEALTH'),
    );
    const { sourceId: ps } = await updatePerson(
      id,
      { phone: '13900000004' },
      source('INGEST', 'PUBLIC_SECURITY'),
    );
    const p = await person(id);
    expect(p).toMatchObject({ phone: '13900000004', version: 2 });
    expect(p.provenance.phone).toBe(ps);
    expect(await conflicts(id)).toEqual([
      {
        field: 'phone',
        chosen_value: '13900000004',
        chosen_source_id: ps,
        other_value: '13900000003',
        other_source_id: health,
        status: 'OPEN',
      },
    ]);
  });

  it('departments of equal precedence: the newer value wins, the older is kept as a conflict', async () => {
    const { id, sourceId: civil } = await createPerson(
      { name: '吴刚', phone: '13900000005' },
      source('INGEST', 'CIVIL_AFFAIRS'),
    );
    const { sourceId: hrss } = await updatePerson(id, { phone: '13900000006' }, source('INGEST', 'HRSS'));
    expect((await person(id)).phone).toBe('13900000006');
    expect(await conflicts(id)).toEqual([
      {
        field: 'phone',
        chosen_value: '13900000006',
        chosen_source_id: hrss,
        other_value: '13900000005',
        other_source_id: civil,
        status: 'OPEN',
      },
    ]);
  });

  it('a department overwriting its own value records no conflict', async () => {
    const { id } = await createPerson({ name: '郑红', phone: '13900000007' }, source('INGEST', 'HEALTH'));
    const { sourceId } = await updatePerson(id, { phone: '13900000008' }, source('INGEST', 'HEALTH'));
    const p = await person(id);
    expect(p.phone).toBe('13900000008');
    expect(p.provenance.phone).toBe(sourceId);
    expect(await conflicts(id)).toEqual([]);
  });

  it('a staff edit always applies, without a conflict, even over the highest department', async () => {
    const { id } = await createPerson(
      { name: '冯涛', phone: '13900000009' },
      source('INGEST', 'PUBLIC_SECURITY'),
    );
    const { sourceId } = await updatePerson(id, { phone: '13900000010' }, source('STAFF_EDIT', 'COMMUNITY'));
    const p = await person(id);
    expect(p).toMatchObject({ phone: '13900000010', version: 2 });
    expect(p.provenance.phone).toBe(sourceId);
    expect(await conflicts(id)).toEqual([]);
  });

  it('an ingest never overwrites a value a staff edit set, whatever its department; the conflict is kept', async () => {
    const { id } = await createPerson({ name: '陈亮', phone: '13900000011' }, source('INGEST', 'HEALTH'));
    const { sourceId: staff } = await updatePerson(
      id,
      { phone: '13900000012' },
      source('STAFF_EDIT', 'COMMUNITY'),
    );
    const { sourceId: ps } = await updatePerson(
      id,
      { phone: '13900000013' },
      source('INGEST', 'PUBLIC_SECURITY'),
    );
    const p = await person(id);
    expect(p).toMatchObject({ phone: '13900000012', version: 2 });
    expect(p.provenance.phone).toBe(staff);
    expect(await conflicts(id)).toEqual([
      {
        field: 'phone',
        chosen_value: '13900000012',
        chosen_source_id: staff,
        other_value: '13900000013',
        other_source_id: ps,
        status: 'OPEN',
      },
    ]);
  });
});

describe('rows locked by the caller (LedgerService.lock)', () => {
  it('serve one batch; a later batch in the same transaction reads the row afresh', async () => {
    const { id } = await createPerson({ name: '锁定', phone: '13500000010' }, source('STAFF_EDIT', null));
    await withTransaction(api.services.pool, async (client) => {
      const held = await api.services.ledger.lock(client, 'PERSON', [id]);
      expect(held.rows.get(`PERSON:${id}`)).toMatchObject({ name: '锁定', phone: '13500000010', version: 1 });
      const write = (values: Record<string, unknown>) =>
        api.services.ledger.recordIn(
          client,
          [
            {
              source: source('STAFF_EDIT', null),
              writes: [{ type: 'PERSON', districtCode: T.district, id, create: false, values }],
            },
          ],
          { locked: held },
        );
      await write({ phone: '13500000011' });
      // the held row is as it was before the first batch: reused, it would put the old phone back
      await write({ name: '锁定二' });
    });
    expect(await person(id)).toMatchObject({ name: '锁定二', phone: '13500000011', version: 3 });
  });
});

describe('batch cost', () => {
  function createItems(ids: number[]): LedgerItem[] {
    return ids.map((id, i) => ({
      source: source('INGEST', 'CIVIL_AFFAIRS', { row: i }),
      writes: [
        {
          type: 'PERSON',
          districtCode: T.district,
          id,
          create: true,
          values: {
            name: `批量${i}`,
            phone: `137${String(i).padStart(8, '0')}`,
            status: 'ACTIVE',
            area_code: T.gridA2,
          },
        },
      ],
    }));
  }
  function updateItems(ids: number[], dept: string): LedgerItem[] {
    return ids.map((id, i) => ({
      source: source('INGEST', dept, { row: i }),
      writes: [
        {
          type: 'PERSON',
          districtCode: T.district,
          id,
          create: false,
          values: { phone: `136${String(i).padStart(8, '0')}` },
        },
      ],
    }));
  }
  async function counted(items: LedgerItem[]) {
    const store = { count: 0 };
    await statementCounter.run(store, () => api.services.ledger.record(items));
    return store.count;
  }

  it('a single edit (a staff correction, a case step) costs six statements', async () => {
    const [id] = await newPersonIds(1);
    await counted(createItems([id]));
    // BEGIN, the source record (its id drawn and the time read by the insert), the lock (with the old
    // sources' kinds that precedence needs), the row, its change, COMMIT: each one round trip
    expect(await counted(updateItems([id], 'CIVIL_AFFAIRS'))).toBe(6);
    const { rows } = await api.services.pool.query(
      `SELECT p.phone, s.department_code, s.received_at = c.recorded_at AS same_time FROM person p
       JOIN source_record s ON s.id = (${provenanceSql(ENTITIES.PERSON, 'p')}->>'phone')::bigint
       JOIN ledger_change c ON c.source_record_id = s.id WHERE p.id = $1`,
      [id],
    );
    expect(rows).toEqual([{ phone: '13600000000', department_code: 'CIVIL_AFFAIRS', same_time: true }]);
  });

  it('recording 5 or 200 persons costs the same number of statements, for creates and for updates', async () => {
    await counted(createItems(await newPersonIds(1))); // warm the department precedence cache
    const small = await newPersonIds(5);
    const large = await newPersonIds(200);
    const create5 = await counted(createItems(small));
    const create200 = await counted(createItems(large));
    expect(create200).toBe(create5);
    expect(create5).toBeLessThanOrEqual(8);

    // updates that also raise conflicts (PUBLIC_SECURITY over CIVIL_AFFAIRS) and read old sources
    const update5 = await counted(updateItems(small, 'PUBLIC_SECURITY'));
    const update200 = await counted(updateItems(large, 'PUBLIC_SECURITY'));
    expect(update200).toBe(update5);
    // BEGIN, now(), ids, COPY sources, lock (with the old sources' kinds), UPDATE, changes, the
    // conflicts raised already (one look-up for the batch), conflicts, COMMIT
    expect(update5).toBeLessThanOrEqual(10);

    const { rows } = await api.services.pool.query(
      `SELECT count(*)::int AS n FROM person WHERE id = ANY($1) AND phone LIKE '136%' AND version = 2`,
      [[...small, ...large]],
    );
    expect(rows[0].n).toBe(205);
    const c = await api.services.pool.query(
      `SELECT count(*)::int AS n FROM conflict WHERE entity_id = ANY($1)`,
      [large],
    );
    expect(c.rows[0].n).toBe(200);
  });

  it('rows the batch itself creates and writes again are not looked up (a household of an ingest batch)', async () => {
    await counted(createItems(await newPersonIds(1))); // warm the department precedence cache
    const onlyCreates = await counted(createItems(await newPersonIds(3)));
    // the first member's row creates the person, the next two rows write to it again
    const [id] = await newPersonIds(1);
    const rows = [...createItems([id]), ...updateItems([id, id], 'CIVIL_AFFAIRS')];
    // no lock statement: the row is not in the table until this batch writes it
    expect(await counted(rows)).toBe(onlyCreates);
    const { rows: found } = await api.services.pool.query(
      `SELECT p.phone, p.version, (SELECT count(*)::int FROM ledger_change c WHERE c.entity_id = p.id
         AND c.entity_type = 'PERSON') AS changes FROM person p WHERE p.id = $1`,
      [id],
    );
    // written once, in its last state (the last row's phone); each row's change is in the log
    expect(found).toEqual([{ phone: '13600000001', version: 1, changes: 3 }]);
  });
});

describe('as of an instant', () => {
  const at = (d: string) => new Date(`${d}T00:00:00+08:00`);

  async function personAsOf(id: number, t: string) {
    const { rows } = await api.services.pool.query(
      'SELECT name, phone, version FROM person_as_of($1) WHERE id = $2',
      [t, id],
    );
    return rows[0] ?? null;
  }

  it('back-dated writes: person_as_of gives the values of each period', async () => {
    const { id } = await createPerson(
      { name: '韩梅', phone: '13500000001' },
      source('STAFF_EDIT', null),
      at('2026-03-01'),
    );
    await updatePerson(id, { phone: '13500000002' }, source('STAFF_EDIT', null), at('2026-06-01'));
    await updatePerson(
      id,
      { name: '韩美', phone: '13500000003' },
      source('STAFF_EDIT', null),
      at('2026-09-01'),
    );

    expect(await personAsOf(id, '2026-02-28T12:00:00+08:00')).toBeNull();
    expect(await personAsOf(id, '2026-03-01T00:00:00+08:00')).toEqual({
      name: '韩梅',
      phone: '13500000001',
      version: 1,
    });
    expect(await personAsOf(id, '2026-05-31T23:59:59+08:00')).toEqual({
      name: '韩梅',
      phone: '13500000001',
      version: 1,
    });
    expect(await personAsOf(id, '2026-06-01T00:00:00+08:00')).toEqual({
      name: '韩梅',
      phone: '13500000002',
      version: 2,
    });
    expect(await personAsOf(id, '2026-08-31T23:59:59+08:00')).toEqual({
      name: '韩梅',
      phone: '13500000002',
      version: 2,
    });
    expect(await personAsOf(id, '2026-09-01T00:00:01+08:00')).toEqual({
      name: '韩美',
      phone: '13500000003',
      version: 3,
    });
    expect(await person(id)).toMatchObject({ name: '韩美', phone: '13500000003', version: 3 });
  });

  it('a fact exists as of an instant only once recorded; a late correction does not change a past period', async () => {
    const { id: personId } = await createPerson(
      { name: '魏强' },
      source('STAFF_EDIT', null),
      at('2026-03-01'),
    );
    const [factId] = await api.services.ledger.allocateIds(api.services.pool, 'FACT', 1);
    const civil = source('INGEST', 'CIVIL_AFFAIRS');
    await api.services.ledger.record(
      [
        {
          source: civil,
          writes: [
            {
              type: 'FACT',
              districtCode: T.district,
              id: factId,
              create: true,
              values: {
                person_id: personId,
                kind: 'MINIMUM_LIVING',
                department_code: 'CIVIL_AFFAIRS',
                valid_from: '2026-05-01',
                valid_to: null,
                attributes: { monthlyAmount: 620 },
                status: 'ACTIVE',
              },
            },
          ],
        },
      ],
      { at: at('2026-05-01') },
    );
    const factAsOf = async (t: string) =>
      (
        await api.services.pool.query(
          'SELECT valid_from, valid_to, attributes FROM fact_as_of($1) WHERE id = $2',
          [t, factId],
        )
      ).rows[0] ?? null;

    expect(await factAsOf('2026-04-30T23:59:59+08:00')).toBeNull();
    expect(await factAsOf('2026-05-01T12:00:00+08:00')).toEqual({
      valid_from: '2026-05-01',
      valid_to: null,
      attributes: { monthlyAmount: 620 },
    });

    // recorded on 2026-07-15: the allowance had stopped on 2026-06-15
    await api.services.ledger.record(
      [
        {
          source: source('INGEST', 'CIVIL_AFFAIRS'),
          writes: [
            {
              type: 'FACT',
              districtCode: T.district,
              id: factId,
              create: false,
              values: { valid_to: '2026-06-15' },
            },
          ],
        },
      ],
      { at: at('2026-07-15') },
    );
    const periodEnd = '2026-06-30T23:59:59.999+08:00';
    expect(await factAsOf(periodEnd)).toEqual({
      valid_from: '2026-05-01',
      valid_to: null,
      attributes: { monthlyAmount: 620 },
    });
    expect(await factAsOf('2026-07-15T00:00:01+08:00')).toMatchObject({ valid_to: '2026-06-15' });
    const now = await api.services.pool.query('SELECT valid_to, version FROM fact WHERE id = $1', [factId]);
    expect(now.rows[0]).toEqual({ valid_to: '2026-06-15', version: 2 });
  });
});

describe('one entity written twice in a batch', () => {
  it('ends with the last values, one version more, and both changes in the log', async () => {
    const { id, sourceId: created } = await createPerson(
      { name: '马丽', phone: '13300000001' },
      source('INGEST', 'CIVIL_AFFAIRS'),
    );
    const first = source('INGEST', 'CIVIL_AFFAIRS', { row: 'first' });
    const second = source('INGEST', 'CIVIL_AFFAIRS', { row: 'second' });
    const r = await api.services.ledger.record([
      {
        source: first,
        writes: [
          {
            type: 'PERSON',
            districtCode: T.district,
            id,
            create: false,
            values: { phone: '13300000002', ethnicity: '回族' },
          },
        ],
      },
      {
        source: second,
        writes: [
          { type: 'PERSON', districtCode: T.district, id, create: false, values: { phone: '13300000003' } },
        ],
      },
    ]);
    const [s1, s2] = r.sourceRecordIds;

    const { rows } = await api.services.pool.query(
      `SELECT phone, ethnicity, version, ${PROVENANCE} FROM person p WHERE id = $1`,
      [id],
    );
    expect(rows[0]).toMatchObject({ phone: '13300000003', ethnicity: '回族', version: 2 });
    expect(rows[0].provenance).toMatchObject({ name: created, phone: s2, ethnicity: s1 });

    const log = await changes('PERSON', id);
    expect(log.map((c) => [c.op, c.source_record_id])).toEqual([
      ['CREATE', created],
      ['UPDATE', s1],
      ['UPDATE', s2],
    ]);
    expect(log[1].changes).toMatchObject({
      phone: ['13300000001', '13300000002'],
      ethnicity: [null, '回族'],
    });
    expect(log[2].changes).toMatchObject({ phone: ['13300000002', '13300000003'] });
    // the version moved once, from 1 to 2
    const versions = log.slice(1).flatMap((c) => (c.changes.version ? [c.changes.version] : []));
    expect(versions).toEqual([[1, 2]]);
  });
});

describe('the history of an entity changed after its creation', () => {
  it('shows what it was created with, whatever changed since: the later changes undone', async () => {
    const { id, sourceId: created } = await createPerson(
      { name: '周芳', phone: '13200000001', birth_date: '1970-05-06' },
      source('INGEST', 'CIVIL_AFFAIRS'),
    );
    await updatePerson(id, { phone: '13200000002', ethnicity: '汉族' }, source('STAFF_EDIT', null));
    await updatePerson(id, { phone: null, name: '周芳芳' }, source('STAFF_EDIT', null));
    const p = await person(id);
    expect(p).toMatchObject({ name: '周芳芳', phone: null, version: 3 });

    const history = await api.services.history.changesOf('PERSON', id);
    expect(history.map((h) => h.op)).toEqual(['CREATE', 'UPDATE', 'UPDATE']);
    expect(history[0].sourceRecordId).toBe(created);
    expect(history[0].changes).toEqual({
      name: [null, '周芳'],
      phone: [null, '13200000001'],
      birth_date: [null, '1970-05-06'],
      status: [null, 'ACTIVE'],
      area_code: [null, T.gridA1],
      version: [null, 1],
    });
    expect(history[1].changes).toEqual({
      phone: ['13200000001', '13200000002'],
      ethnicity: [null, '汉族'],
      version: [1, 2],
    });
    expect(history[2].changes).toEqual({
      phone: ['13200000002', null],
      name: ['周芳', '周芳芳'],
      version: [2, 3],
    });
  });

  it('shows a CREATE row written before 2026-11-25 with the values it logged', async () => {
    // a person whose CREATE row has the form of old, with values that undoing would not give now
    const { rows } = await api.services.pool.query<{ id: number }>(
      `INSERT INTO person (district_code, name, area_code) VALUES ($1, '孙丽', $2) RETURNING id`,
      [T.district, T.gridA1],
    );
    const id = rows[0].id;
    const legacy = { name: [null, '孙丽丽'], area_code: [null, T.gridA1], version: [null, 1] };
    await api.services.pool.query(
      `INSERT INTO ledger_change (district_code, entity_type, entity_id, op, changes)
       VALUES ($1, 'PERSON', $2, 'CREATE', $3)`,
      [T.district, id, JSON.stringify(legacy)],
    );
    const history = await api.services.history.changesOf('PERSON', id);
    expect(history).toHaveLength(1);
    expect(history[0].op).toBe('CREATE');
    expect(history[0].changes).toEqual(legacy);
  });
});
