import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UNRESTRICTED } from '../../auth/scope';
import { openTestDb, type TestDb } from '../../../test/harness';
import { buildTerritory, idNumberFor, T } from '../../../test/factories';
import { IngestService } from './ingest.service';

/**
 * A batch prepared ahead is resolved while the batch before it is still being written, so its
 * look-ups cannot see what that batch lands; the batch's memory answers for it. Ingesting the same
 * files with and without preparing ahead must leave the same ledger, row for row. Batches of two
 * and three rows put households, children without ID numbers, repeated rows, house codes and facts
 * across batch boundaries.
 */

const DIR = join(__dirname, '../../../fixtures/ingest');
const tmp = mkdtempSync(join(tmpdir(), 'prepare-ahead-'));

/** A roster whose dependencies cross batch boundaries in every way the planning knows. */
function crossBatchRoster(): string {
  const dad = idNumberFor('1980-02-03', 'MALE');
  const mum = idNumberFor('1982-07-09', 'FEMALE');
  const gran = idNumberFor('1950-01-01', 'FEMALE');
  const zhao = [idNumberFor('1970-03-03'), idNumberFor('1972-04-04', 'FEMALE'), idNumberFor('1995-05-05')];
  const qianDa = idNumberFor('1985-08-08');
  const qianXiao = idNumberFor('2016-06-06', 'FEMALE');
  const sun = idNumberFor('1990-09-09');
  const lines = [
    '姓名,身份证号,性别,出生日期,联系电话,户号,与户主关系,家庭住址,房屋编号,监护人身份证号',
    // rows 6|7, 12|13 and 18|19 fall on both sides of a batch boundary, in batches of two and of three
    `王建,${dad},男,1980-02-03,13800000001,H001,户主,兴安路1号1栋1单元101室,,`,
    `李梅,${mum},女,1982-07-09,13800000002,H001,配偶,兴安路1号1栋1单元101室,,`,
    `王小宝,,男,2015-05-05,,H001,子女,兴安路1号1栋1单元101室,,${dad}`,
    `王奶奶,${gran},女,1950-01-01,,H001,母亲,兴安路1号1栋1单元101室,,`,
    `钱大,${qianDa},男,1985-08-08,,H003,户主,兴安路3号,,`,
    // a child without an ID number, again in the next batch: the same person
    `钱小,,女,2016-06-06,,H003,子女,兴安路3号,,`,
    `钱小,,女,2016-06-06,13700000001,H003,子女,兴安路3号,,`,
    // a new house with its code, then found by that code with the address spelled otherwise
    `赵一,${zhao[0]},男,1970-03-03,,H002,户主,兴安路2号,FW-0002,`,
    `赵二,${zhao[1]},女,1972-04-04,,H002,配偶,兴安路2号 （东门）,FW-0002,`,
    `赵三,${zhao[2]},男,1995-05-05,,H002,子女,兴安路二号,FW-0002,`,
    `王小宝,,男,2015-05-05,13700000007,H001,子女,兴安路1号1栋1单元101室,,${dad}`,
    // the child gets her ID number; a row without one in the next batch finds her no candidate any more
    `钱小,${qianXiao},女,2016-06-06,,H003,子女,兴安路3号,,`,
    `钱小,,女,2016-06-06,13700000003,H003,子女,兴安路3号,,`,
    `赵三,${zhao[2]},男,1995-05-05,13900000014,H002,子女,兴安路二号,FW-0002,`,
    // a person moving household and back
    `孙甲,${sun},男,1990-09-09,13900000009,H004,户主,兴安路4号,,`,
    `孙甲,${sun},男,1990-09-09,13900000010,H005,户主,兴安路5号,,`,
    `孙甲,${sun},男,1990-09-09,13900000011,H004,户主,兴安路4号,,`,
    // a changed row, then the same row again in the next batch: unchanged the second time
    `王建,${dad},男,1980-02-03,13800000018,H001,户主,兴安路1号1栋1单元101室,,`,
    `王建,${dad},男,1980-02-03,13800000018,H001,户主,兴安路1号1栋1单元101室,,`,
  ];
  const file = join(tmp, 'cross-batch.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** A fact roster naming the same persons on consecutive rows (a corrected phone): one fact each. */
function repeatedFactRoster(): string {
  const lines = ['姓名,身份证号,性别,出生日期,联系电话'];
  const people = [0, 1, 2, 3].map((i) => {
    const birth = `1945-0${i + 1}-1${i}`;
    const gender = i % 2 ? '男' : '女';
    return `特困${'甲乙丙丁'[i]},${idNumberFor(birth, i % 2 ? 'MALE' : 'FEMALE')},${gender},${birth}`;
  });
  // A B A' B' C D C' D': each pair's second row lands in the batch after its first, whatever the size
  for (const [a, b] of [people.slice(0, 2), people.slice(2, 4)]) {
    lines.push(`${a},13600000001`, `${b},13600000002`, `${a},13611111111`, `${b},13611111112`);
  }
  const file = join(tmp, 'repeated-tekun.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const FILES: [string, string | null][] = [
  [join(DIR, 'police-registry.csv'), 'police-registry'],
  [join(DIR, 'education-children.xlsx'), 'education-children'],
  [join(DIR, 'health-chronic.csv'), 'health-chronic'],
  [join(DIR, 'hrss-insured.csv'), 'hrss-insured'],
  [join(DIR, 'civil-affairs-dibao.xlsx'), 'civil-affairs-dibao'],
  [join(DIR, 'civil-affairs-tekun.csv'), 'civil-affairs-tekun'],
  [crossBatchRoster(), null],
  [repeatedFactRoster(), 'civil-affairs-tekun'],
  [join(DIR, 'civil-affairs-dibao.xlsx'), 'civil-affairs-dibao'], // again: nothing changes
];

/** The whole ledger a run leaves, in a fixed order, without clock times. */
async function ledgerOf(db: TestDb): Promise<Record<string, unknown[]>> {
  const q = async (sql: string) => (await db.services.pool.query(sql)).rows;
  return {
    persons: await q(`SELECT id, id_number, name, gender, birth_date::text, phone, status, merged_into_id,
                             household_id, house_id, area_code, relation_to_head, provenance, version
                      FROM person ORDER BY id`),
    households: await q(`SELECT id, household_number, house_id, head_person_id, area_code, provenance, version
                         FROM household ORDER BY id`),
    houses: await q(`SELECT id, code, address, area_code, provenance, version FROM house ORDER BY id`),
    facts: await q(`SELECT id, person_id, kind, department_code, valid_from::text, attributes, status, version
                    FROM fact ORDER BY id`),
    sources: await q(`SELECT id, kind, department_code, ingest_run_id, sheet, row_number, raw, normalized,
                             content_hash FROM source_record ORDER BY id`),
    changes: await q(
      `SELECT id, entity_type, entity_id, op, changes, source_record_id FROM ledger_change ORDER BY id`,
    ),
    conflicts: await q(`SELECT entity_type, entity_id, field, chosen_value, chosen_source_id, other_value,
                               other_source_id, status FROM conflict ORDER BY id`),
    decisions:
      await q(`SELECT id, source_record_id, person_id, candidate_id, method, score, agreed, explanation
                        FROM match_decision ORDER BY id`),
    reviews:
      await q(`SELECT kind, person_id, candidate_id, match_decision_id, source_record_id, detail, status
                      FROM review_item ORDER BY id`),
    issues: await q(`SELECT run_id, seq, outcome, reason FROM ingest_row_issue ORDER BY run_id, seq`),
    runs: await q(`SELECT id, status, rows_total, landed, unchanged, skipped, rejected, persons_created,
                          persons_matched, conflicts, review_items FROM ingest_run ORDER BY id`),
  };
}

async function ingestAll(
  prepareAhead: boolean,
  batchSize: number,
  bulkChecks = true,
): Promise<Record<string, unknown[]>> {
  const db = await openTestDb();
  try {
    await buildTerritory(db.services);
    const ingest = new IngestService(db.services.pool, db.services.ledger, db.services.areas, {
      storageDir: mkdtempSync(join(tmp, 'store-')),
      batchSize,
      prepareAhead,
      bulkChecks,
    });
    for (const [path, profile] of FILES) {
      // each batch holds its commit a little, so that the next batch is always prepared while the
      // one before has not committed yet (with such small files it would often have already)
      const run = await ingest.ingestFile(
        path,
        { fileName: path.split('/').pop()!, profile, areaCode: T.street, scope: UNRESTRICTED },
        { beforeCommit: () => new Promise((resolve) => setTimeout(resolve, 15)) },
      );
      expect({ file: path.split('/').pop(), status: run.status, error: run.error_message }).toEqual({
        file: path.split('/').pop(),
        status: 'SUCCEEDED',
        error: null,
      });
    }
    return await ledgerOf(db);
  } finally {
    await db.close();
  }
}

describe('preparing a batch while the one before is written', () => {
  it.each([2, 3])('leaves the ledger a batch-by-batch run leaves (batches of %i rows)', async (size) => {
    const sequential = await ingestAll(false, size);
    const ahead = await ingestAll(true, size);
    // the files did cross batches: several persons, households and no-ID matches
    expect(sequential.persons.length).toBeGreaterThan(20);
    expect(sequential.decisions.length).toBeGreaterThan(0);
    for (const part of Object.keys(sequential))
      expect({ part, rows: ahead[part] }).toEqual({ part, rows: sequential[part] });
  });
});

describe('checking foreign keys per batch instead of per row', () => {
  it('leaves the ledger the per-row checks leave', async () => {
    expect(await ingestAll(true, 4, true)).toEqual(await ingestAll(true, 4, false));
  });
});
