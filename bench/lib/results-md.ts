/** The top of bench/RESULTS.md, written when the file does not exist yet. */
export const RESULTS_HEADER = `# Benchmark results

Measured with \`npm run bench\` (see \`bench/\`); raw results of every run are written to
\`bench/out/*.json\` (not committed). Each benchmark owns one \`##\` section below. A run rewrites
only what lies between its own \`<!-- bench:<name> -->\` markers; notes written by hand under a
section's heading, outside the markers, stay. Benchmarks added later (ingest, cases, reports…)
add their own section below the others.
Every figure names the command that produced it, the machine and the date: figures from
different machines, or from a machine shared with other work, are not comparable.
`;

const start = (id: string) => `<!-- bench:${id} -->`;
const end = (id: string) => `<!-- /bench:${id} -->`;

/**
 * Puts `body` between the markers of benchmark `id`, replacing what was there and leaving
 * everything else as it is; a new section (`## title`, then the markers) goes at the end. A
 * missing document starts with the header.
 */
export function upsertSection(doc: string | null, id: string, title: string, body: string): string {
  if (!/^[a-z0-9-]+$/.test(id))
    throw new Error(`bench section id "${id}" must be lowercase letters, digits and dashes`);
  const block = `${start(id)}\n${body.trim()}\n${end(id)}\n`;
  const text = doc ?? RESULTS_HEADER;
  const from = text.indexOf(start(id));
  const to = text.indexOf(end(id));
  if (from >= 0 && to > from) {
    let after = text.slice(to + end(id).length);
    if (after.startsWith('\n')) after = after.slice(1);
    return text.slice(0, from) + block + after;
  }
  if (from >= 0 || to >= 0)
    throw new Error(`bench/RESULTS.md: the markers of section "${id}" are broken; fix them by hand`);
  return `${text.replace(/\n*$/, '\n')}\n## ${title}\n\n${block}`;
}

/** A Markdown table; pipes inside cells are escaped so a cell can hold a command line. */
export function markdownTable(headers: string[], rows: string[][]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${headers.map(cell).join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}
