import fs from 'node:fs';
import { findPersonalData } from '../src/auth/pii-scan';

/**
 * After the whole suite: the captured server logs must hold no unmasked ID number or phone.
 * The run fails otherwise, naming the line (with the value masked).
 */
export default async function globalTeardown(): Promise<void> {
  const file = process.env.YIBIAO_TEST_LOG;
  if (!file || !fs.existsSync(file)) return;
  const text = fs.readFileSync(file, 'utf8');
  const findings = findPersonalData(text);
  fs.rmSync(file, { force: true });
  if (findings.length) {
    throw new Error(
      `the server logs of this run hold personal data:\n${findings.map((f) => `  line ${f.line}: ${f.kind} ${f.masked}`).join('\n')}`,
    );
  }
  process.stdout.write(
    `\nlog scan: ${text.split('\n').length - 1} logged lines, no unmasked ID number or phone\n`,
  );
}
