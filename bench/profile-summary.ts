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

function keyOf({ functionName, url, lineNumber }: CpuProfile['nodes'][number]['callFrame']): string {
  const file = url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/');
  return `${functionName || '(anonymous)'} ${file}${file ? `:${lineNumber + 1}` : ''}`;
}

/**
 * Self time of a CPU profile by owner (package, project, node, GC, idle) and by function, as
 * percentages of the profile: the first look at where a server spends a benchmark; and inclusive
 * time by function (itself and everything it called), to attribute time to a step of the request.
 */
export function summariseProfile(
  profile: CpuProfile,
  top = 25,
): { byOwner: string[]; byFunction: string[]; inclusive: string[] } {
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
    const { functionName, url } = n.callFrame;
    const owner = ownerOf(url, functionName);
    owners.set(owner, (owners.get(owner) ?? 0) + t);
    const key = keyOf(n.callFrame);
    functions.set(key, (functions.get(key) ?? 0) + t);
  }
  // inclusive time: a sample counts once for every distinct function on its stack
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const inclusive = new Map<string, number>();
  for (const [id, t] of selfTime) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur);
      if (!n) break;
      const key = keyOf(n.callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + t);
    }
  }
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
  return { byOwner: rank(owners), byFunction: rank(functions), inclusive: rank(inclusive) };
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node dist/bench/profile-summary.js bench/out/prof/<file>.cpuprofile\n');
    process.exit(2);
  }
  const top = Number(process.argv[3] ?? 25);
  const { byOwner, byFunction, inclusive } = summariseProfile(
    JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile,
    top,
  );
  process.stdout.write(
    `self time by owner\n${byOwner.join('\n')}\n\nself time by function\n${byFunction.join('\n')}\n` +
      `\ninclusive time by function\n${inclusive.join('\n')}\n`,
  );
}
