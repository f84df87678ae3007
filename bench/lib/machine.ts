import fs from 'node:fs';
import os from 'node:os';

/** What a figure was measured on: enough to tell whether two figures are comparable. */
export interface MachineFacts {
  hostname: string;
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  os: string;
  /** 1, 5 and 15 minute load averages when the run started: other work sharing the cores shows here. */
  loadAverage: [number, number, number];
}

/** The CPU model named in /proc/cpuinfo (Linux), else what Node reports. */
export function cpuModel(cpuinfo?: string): string {
  let text = cpuinfo;
  if (text === undefined) {
    try {
      text = fs.readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      text = '';
    }
  }
  const line = text.split('\n').find((l) => /^model name\s*:/.test(l));
  if (line)
    return line
      .replace(/^model name\s*:\s*/, '')
      .replace(/\s+/g, ' ')
      .trim();
  return os.cpus()[0]?.model?.trim() || 'unknown';
}

/** Facts about this machine and runtime, read once per run. */
export function machineFacts(): MachineFacts {
  const [l1, l5, l15] = os.loadavg();
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    hostname: os.hostname(),
    nproc: os.availableParallelism(),
    cpuModel: cpuModel(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: [round(l1), round(l5), round(l15)],
  };
}

/** The short machine label used in RESULTS.md rows, e.g. "2 × Intel Xeon … , 23.5 GiB, Node v20.20.2". */
export function machineLabel(m: MachineFacts): string {
  return `${m.nproc} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}`;
}
