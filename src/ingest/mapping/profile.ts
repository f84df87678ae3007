import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../errors/app-error';
import { repoRoot } from '../../config/paths';
import { TARGET_FIELDS } from './synonyms';

/** Where a column's value goes: a ledger field, an attribute of the roster's fact, or nowhere. */
const target = z.union([
  z.enum(TARGET_FIELDS),
  z.string().regex(/^fact\.[a-zA-Z][a-zA-Z0-9]*$/, 'a fact attribute is written fact.<name>'),
  z.literal('ignore'),
]);

const transform = z.discriminatedUnion('op', [
  /** CSV exports lose merges: carry a household's 户号 down over the blank cells of its members. */
  z.object({ op: z.literal('fillDown'), column: z.string().min(1) }),
  /** Replace whole cell values, e.g. {"男性": "男"}. */
  z.object({ op: z.literal('map'), column: z.string().min(1), values: z.record(z.string(), z.string()) }),
  /** Remove a pattern, e.g. a '元' unit or a '（已故）' note. */
  z.object({ op: z.literal('strip'), column: z.string().min(1), pattern: z.string().min(1) }),
]);

const schema = z
  .object({
    name: z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes'),
    title: z.string().min(1),
    department: z.string().min(1),
    /** Pinned mappings, header as the reader joins it → target; they win over the synonyms. */
    columns: z.record(z.string(), target).default({}),
    /** Values every row gets unless its own cell says otherwise (e.g. residenceType for a 流动人口 roster). */
    constants: z
      .object({
        residenceType: z.enum(['REGISTERED', 'FLOATING']).optional(),
        community: z.string().optional(),
      })
      .strict()
      .default({}),
    /** The fact the roster asserts for every person on it (低保 for the civil-affairs roster). */
    fact: z
      .object({
        kind: z.string().min(1),
        /** Used when the row has no start date of its own. */
        validFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
        attributes: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
      })
      .strict()
      .optional(),
    /** The reporting period the roster describes, kept with every source record. */
    period: z.string().optional(),
    transforms: z.array(transform).default([]),
    encoding: z.enum(['utf-8', 'gbk', 'gb18030', 'utf-16le']).optional(),
    delimiter: z.enum([',', ';', '\t']).optional(),
  })
  .strict();

/** A department profile: how one department's roster maps onto the ledger. */
export type Profile = z.infer<typeof schema>;
/** One declarative transform of a profile. */
export type Transform = z.infer<typeof transform>;

/** The profile used when none is named: synonyms only, no department facts. */
export const DEFAULT_PROFILE: Profile = schema.parse({
  name: 'default',
  title: '通用花名册',
  department: 'COMMUNITY',
});

/** Folder that holds the profiles kept in the repository. */
export function profilesDir(): string {
  return join(repoRoot(), 'fixtures', 'profiles');
}

/** Validates a parsed profile, reporting every problem at once. */
export function parseProfile(json: unknown, label: string): Profile {
  const result = schema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new AppError('PROFILE_INVALID', `Profile ${label} is invalid: ${problems.join('; ')}`);
  }
  for (const t of result.data.transforms) {
    if (t.op === 'strip') {
      try {
        new RegExp(t.pattern);
      } catch {
        throw new AppError(
          'PROFILE_INVALID',
          `Profile ${label} is invalid: transforms: pattern ${t.pattern} is not a regular expression`,
        );
      }
    }
  }
  return result.data;
}

/** Loads a profile by name from fixtures/profiles/<name>.json (or another folder). */
export async function loadProfile(name: string, dir = profilesDir()): Promise<Profile> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new AppError('PROFILE_NOT_FOUND', `Profile ${name} does not exist`);
  let text: string;
  try {
    text = await readFile(join(dir, `${name}.json`), 'utf8');
  } catch {
    throw new AppError('PROFILE_NOT_FOUND', `Profile ${name} does not exist`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError('PROFILE_INVALID', `Profile ${name} is not valid JSON`);
  }
  return parseProfile(json, name);
}
