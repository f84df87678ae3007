import { checkRedisAtStartup, redisTargetOf } from '../config/redis';
import type { Command } from 'commander';
import { createServices } from '../app/services';
import { config } from '../config/config';
import { startWorkers } from './worker';

/** `yibiao worker`: runs the background jobs (case deadline warnings and escalations) in this process. */
export function registerWorkerCommand(program: Command, log: (line: string) => void): void {
  program
    .command('worker')
    .description('run the background job workers (case deadline warnings and escalations)')
    .action(async () => {
      const c = config();
      await checkRedisAtStartup(c, log);
      const s = createServices(c);
      await s.areas.ready();
      const w = await startWorkers(s, { redis: redisTargetOf(c), prefix: c.QUEUE_PREFIX, log });
      log(`yibiao worker ready (queue prefix ${c.QUEUE_PREFIX})`);
      const stop = async () => {
        await w.close();
        await s.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
