import { cpuModel, machineFacts, machineLabel } from './machine';

describe('machine facts', () => {
  it('reads the CPU model from /proc/cpuinfo text', () => {
    const text =
      'processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC   7B13 64-Core Processor\nflags\t: fpu\n';
    expect(cpuModel(text)).toBe('AMD EPYC 7B13 64-Core Processor');
  });

  it('names cores, memory and Node in the label', () => {
    const m = machineFacts();
    expect(m.nproc).toBeGreaterThan(0);
    expect(machineLabel(m)).toBe(`${m.nproc} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${process.version}`);
  });
});
