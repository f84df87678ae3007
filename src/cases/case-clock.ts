import type { WorkingCalendar } from './calendar/working-days';

/** How deadlines are counted: working days added to an instant, and working days elapsed. */
export interface DeadlinePolicy {
  addWorkingDays(from: Date, days: number): Date;
  workingDaysBetween(from: Date, to: Date): number;
}

/** The official calendar (法定节假日 and 调休) as the deadline policy. */
export function calendarPolicy(calendar: WorkingCalendar): DeadlinePolicy {
  return {
    addWorkingDays: (from, days) => calendar.addWorkingDays(from, days),
    workingDaysBetween: (from, to) => calendar.workingDaysBetween(from, to),
  };
}

/**
 * A policy in which a working day lasts `msPerDay` milliseconds, every day: for tests and demos of
 * the deadline jobs, which would otherwise need days of waiting.
 */
export function acceleratedPolicy(msPerDay: number): DeadlinePolicy {
  return {
    addWorkingDays: (from, days) => new Date(from.getTime() + days * msPerDay),
    workingDaysBetween: (from, to) => Math.floor((to.getTime() - from.getTime()) / msPerDay),
  };
}

/**
 * The time of the cases capability: what "now" is (injectable, so tests can back-date a workflow),
 * how deadlines are counted, and how long before a deadline the warning goes out.
 */
export class CaseClock {
  constructor(
    public policy: DeadlinePolicy,
    public warnBeforeMs: number,
    private nowFn: () => Date = () => new Date(),
  ) {}

  /** The current instant. */
  now(): Date {
    return this.nowFn();
  }

  /** Replaces the source of "now" (tests). */
  setNow(fn: () => Date): void {
    this.nowFn = fn;
  }
}
