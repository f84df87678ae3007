import fs from 'node:fs';
import path from 'node:path';

let root: string | undefined;
/** The checkout's root (the folder with package.json), whether running from src/ or dist/src/. */
export function repoRoot(): string {
  if (root) return root;
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the project root (package.json) above ' + __dirname);
    dir = parent;
  }
  root = dir;
  return dir;
}
