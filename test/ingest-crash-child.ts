/**
 * Runs one ingest run and kills its own process with SIGKILL (kill -9) inside the transaction of
 * batch N, before it commits: what a power cut or an OOM kill does in the middle of a run.
 * Usage: node -r test/swc-register.js test/ingest-crash-child.ts RUN_ID STORAGE_DIR N
 */
import 'reflect-metadata';
import { createServices } from '../src/app/services';
import { IngestService } from '../src/ingest/run/ingest.service';

async function main() {
  const [runId, storageDir, killAt] = process.argv.slice(2).map((a, i) => (i === 1 ? a : Number(a))) as [
    number,
    string,
    number,
  ];
  const s = createServices({ DATABASE_URL: process.env.DATABASE_URL!, REDIS_URL: process.env.REDIS_URL! });
  const ingest = new IngestService(s.pool, s.ledger, s.areas, { storageDir, batchSize: 3 });
  await ingest.execute(runId, {
    beforeCommit: (n) => {
      if (n === killAt) process.kill(process.pid, 'SIGKILL');
    },
  });
  await s.close();
}

void main();
