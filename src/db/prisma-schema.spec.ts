import fs from 'node:fs';
import path from 'node:path';
import { openTestDb, TestDb } from '../../test/harness';

/**
 * The tables come from plain SQL migrations and Prisma is only the client, so nothing else stops
 * prisma/schema.prisma from drifting away from the database. This reads both and compares them:
 * every model field has its column with the same nullability and type family, every column of a
 * mapped table has its field, and every Prisma enum has exactly the database enum's values.
 */

interface PrismaField {
  column: string;
  type: string;
  optional: boolean;
  /** The native type attribute, `Json` for `@db.Json`; null without one. */
  native: string | null;
}

function parsePrismaSchema(text: string) {
  const models = new Map<string, Map<string, PrismaField>>();
  const enums = new Map<string, string[]>();
  const enumNames = new Map<string, string>(); // Prisma enum name → database enum name
  const blocks = text.matchAll(/^(model|enum)\s+(\w+)\s*\{([\s\S]*?)^\}/gm);
  for (const [, kind, name, body] of blocks) {
    const lines = body
      .split('\n')
      .map((l) => l.replace(/\/\/.*$/, '').trim())
      .filter(Boolean);
    const mapped = /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? name;
    if (kind === 'enum') {
      enums.set(
        mapped,
        lines.filter((l) => !l.startsWith('@@')),
      );
      enumNames.set(name, mapped);
      continue;
    }
    const fields = new Map<string, PrismaField>();
    for (const line of lines) {
      if (line.startsWith('@@')) continue;
      const m = /^(\w+)\s+(Unsupported\("[^"]+"\)|\w+)(\?)?/.exec(line);
      if (!m) continue;
      const column = /@map\("([^"]+)"\)/.exec(line)?.[1] ?? m[1];
      const native = /@db\.(\w+)/.exec(line)?.[1] ?? null;
      fields.set(column, { column, type: m[2], optional: m[3] === '?', native });
    }
    models.set(mapped, fields);
  }
  return { models, enums, enumNames };
}

function typeFamily(dataType: string, udt: string): string {
  switch (dataType) {
    case 'text':
      return 'String';
    case 'integer':
      return 'Int';
    case 'bigint':
      return 'BigInt';
    case 'timestamp with time zone':
    case 'date':
      return 'DateTime';
    case 'jsonb':
      return 'Json';
    case 'json':
      return 'Json @db.Json'; // Prisma's Json is jsonb unless the field says @db.Json
    case 'ARRAY':
      return udt === '_text' ? 'String' : udt;
    case 'USER-DEFINED':
      return udt;
    default:
      return dataType;
  }
}

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(() => db.close());

describe('prisma/schema.prisma against the migrated database', () => {
  it('has every column, with the same nullability and type, and no column the schema lacks', async () => {
    const { models, enums, enumNames } = parsePrismaSchema(
      fs.readFileSync(path.join(__dirname, '../../prisma/schema.prisma'), 'utf8'),
    );
    expect(models.size).toBeGreaterThan(10);
    const { rows } = await db.services.pool.query<{
      table_name: string;
      column_name: string;
      is_nullable: string;
      data_type: string;
      udt_name: string;
    }>(
      `SELECT table_name, column_name, is_nullable, data_type, udt_name FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name = ANY($1::text[])`,
      [[...models.keys()]],
    );
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const c of rows) {
      const key = `${c.table_name}.${c.column_name}`;
      seen.add(key);
      const f = models.get(c.table_name)?.get(c.column_name);
      if (!f) {
        problems.push(`${key}: column has no field in schema.prisma`);
        continue;
      }
      if (f.optional !== (c.is_nullable === 'YES'))
        problems.push(`${key}: nullable ${c.is_nullable}, schema.prisma optional ${f.optional}`);
      const family = typeFamily(c.data_type, c.udt_name);
      const expected = f.type.startsWith('Unsupported')
        ? /Unsupported\("(\w+)/.exec(f.type)![1]
        : f.type === 'Json' && f.native === 'Json'
          ? 'Json @db.Json'
          : (enumNames.get(f.type) ?? f.type);
      if (expected !== family) problems.push(`${key}: database ${family}, schema.prisma ${expected}`);
    }
    for (const [table, fields] of models) {
      for (const column of fields.keys())
        if (!seen.has(`${table}.${column}`))
          problems.push(`${table}.${column}: in schema.prisma, not in the database`);
    }
    const pgEnums = await db.services.pool.query<{ typname: string; labels: string[] }>(
      `SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
    );
    for (const [name, values] of enums) {
      const db = pgEnums.rows.find((r) => r.typname === name);
      if (!db) problems.push(`enum ${name}: not in the database`);
      else if (db.labels.join(',') !== values.join(','))
        problems.push(`enum ${name}: database ${db.labels.join(',')}, schema.prisma ${values.join(',')}`);
    }
    expect(problems).toEqual([]);
  });

  it('the Prisma client reads every model through the adapter', async () => {
    const p = db.services.prisma;
    await expect(p.department.findMany()).resolves.toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'CIVIL_AFFAIRS', name: '民政局' })]),
    );
    for (const model of [
      'area',
      'person',
      'household',
      'house',
      'thing',
      'civicCase',
      'fact',
      'ledgerChange',
      'conflict',
      'sourceRecord',
    ] as const) {
      await expect(
        (p[model] as unknown as { findFirst(): Promise<unknown> }).findFirst(),
      ).resolves.toBeNull();
    }
  });
});
