import fs from 'node:fs';

/**
 * Where the servers under test write their log lines: one file per test run (set up by
 * test/global-setup.ts), scanned for personal data by test/global-teardown.ts.
 */
export function testLog(line: string): void {
  const file = process.env.YIBIAO_TEST_LOG;
  if (file) fs.appendFileSync(file, line + '\n');
}
