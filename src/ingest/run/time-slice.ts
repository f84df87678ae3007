import { setImmediate as toEventLoop } from 'node:timers/promises';

/**
 * Long CPU work in short turns: `due()` says whether the current turn has lasted `ms`, and
 * `pass()` then lets the event loop run (replies of the batch being written, COPY asking for
 * data) before the work goes on. Checking is a clock read; waiting happens only when due.
 */
export class TimeSlice {
  private start = performance.now();

  constructor(private readonly ms: number) {}

  due(): boolean {
    return performance.now() - this.start > this.ms;
  }

  async pass(): Promise<void> {
    await toEventLoop();
    this.start = performance.now();
  }
}
