#!/usr/bin/env node
// Stands in for Prisma's native schema engine so that `prisma generate` runs offline: the CLI only
// asks the engine for its version before generating the client. We do not use Prisma Migrate (the
// migrations are plain SQL), so nothing else is ever asked of it; any other call fails loudly.
'use strict';
const args = process.argv.slice(2);
if (args.includes('--version') || args.includes('-V')) {
  const { enginesVersion } = require('@prisma/engines-version');
  process.stdout.write(`schema-engine-cli ${enginesVersion}\n`);
  process.exit(0);
}
process.stderr.write(
  'yibiao: the Prisma schema engine is not available offline; migrations are plain SQL (yibiao migrate).\n' +
    `asked: ${args.join(' ')}\n`,
);
process.exit(1);
