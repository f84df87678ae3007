import fs from 'node:fs';

/** A V8 CPU profile (.cpuprofile), as `node --cpu-prof` writes it. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a file belongs: an npm package, the project, Node itself, or a V8 pseudo-frame. */
function ownerOf(url: string, functionName: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node';
  if (url.includes('/dist/')) return 'project';
  return url || functionName || '(unknown)';
}

/**
 * Self time of a CPU profile by owner (package, project, node, GC, idle) and by function, as
 * percentages of the profile: the first look at where a server spends a benchmark.
 */
export function summariseProfile(profile: CpuProfile, top = 25): { byOwner: string[]; byFunction: string[] } {
  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const total = [...selfTime.values()].reduce((a, b) => a + b, 0) || 1;
  const owners = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const n of profile.nodes) {
    const t = selfTime.get(n.id) ?? 0;
    if (!t) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const owner = ownerOf(url, functionName);
    owners.set(owner, (owners.get(owner) ?? 0) + t);
    const file = url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/');
    const key = `${functionName || '(anonymous)'} ${file}${file ? `:${lineNumber + 1}` : ''}`;
    functions.set(key, (functions.get(key) ?? 0) + t);
  }
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
  return { byOwner: rank(owners), byFunction: rank(functions) };
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node dist/bench/profile-summary.js bench/out/prof/<file>.cpuprofile\n');
    process.exit(2);
  }
  const { byOwner, byFunction } = summariseProfile(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile);
  process.stdout.write(
    `self time by owner\n${byOwner.join('\n')}\n\nself time by function\n${byFunction.join('\n')}\n`,
  );
}
