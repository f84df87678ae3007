// Lets a child process of a test run the TypeScript sources directly (`node -r test/swc-register.js
// src/cli/main.ts ...`), compiled in memory by @swc/core with decorator metadata, as jest does.
// Compiled files are kept in node_modules/.cache/yibiao-swc by content hash, so the processes a
// test starts (several servers and workers at once on a 2-core machine) compile each file once.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { transformSync, version } = require('@swc/core');

const OPTIONS = {
  sourceMaps: 'inline',
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
};
const CACHE = path.join(__dirname, '..', 'node_modules', '.cache', 'yibiao-swc');
const salt = JSON.stringify([version, OPTIONS]);

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const key = crypto.createHash('sha1').update(salt).update(filename).update('\0').update(source).digest('hex');
  const cached = path.join(CACHE, `${key}.js`);
  let code;
  try {
    code = fs.readFileSync(cached, 'utf8');
  } catch {
    code = transformSync(source, { filename, ...OPTIONS }).code;
    try {
      fs.mkdirSync(CACHE, { recursive: true });
      // write then rename, so a process starting meanwhile never reads half a file
      const tmp = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, code);
      fs.renameSync(tmp, cached);
    } catch {
      // a read-only checkout compiles every time
    }
  }
  module._compile(code, filename);
};
