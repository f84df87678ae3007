import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let ticks: number | undefined;
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/**
 * CPU seconds (user + system) the given processes have used so far, from /proc/<pid>/stat
 * (Linux); processes that are gone count as 0, and null means /proc is not available. On a
 * machine shared with other work, CPU time per request is the figure that stays comparable when
 * wall-clock throughput does not.
 */
export function cpuSeconds(pids: number[]): number | null {
  if (!fs.existsSync('/proc/self/stat')) return null;
  let total = 0;
  for (const pid of pids) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    // fields after the parenthesised command name; utime and stime are fields 14 and 15
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += Number(rest[11]) + Number(rest[12]);
  }
  return total / clockTicks();
}

/**
 * The whole machine's CPU seconds so far, busy and idle, from the first line of /proc/stat (in
 * clock ticks: user, nice, system, idle, iowait, irq, softirq, steal, …); null without /proc.
 * The difference over a run says how much of the machine the run and everything beside it used.
 */
export function machineCpu(stat?: string): { busy: number; idle: number } | null {
  if (stat === undefined) {
    if (!fs.existsSync('/proc/stat')) return null;
    stat = fs.readFileSync('/proc/stat', 'utf8');
  }
  const line = stat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return null;
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const t = clockTicks();
  return { busy: (user + nice + system + irq + softirq + steal) / t, idle: (idle + iowait) / t };
}
