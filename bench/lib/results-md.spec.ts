import { markdownTable, RESULTS_HEADER, upsertSection } from './results-md';

describe('bench/RESULTS.md sections', () => {
  it('starts a missing file with the header and a titled section', () => {
    const doc = upsertSection(null, 'persons-page', 'Persons page (issue #2)', 'table v1');
    expect(doc.startsWith(RESULTS_HEADER)).toBe(true);
    expect(doc).toContain(
      '## Persons page (issue #2)\n\n<!-- bench:persons-page -->\ntable v1\n<!-- /bench:persons-page -->\n',
    );
  });

  it('rewrites only its own markers and keeps hand-written notes and other sections', () => {
    let doc = upsertSection(null, 'persons-page', 'Persons page (issue #2)', 'table v1');
    doc += '\nNotes written by hand.\n';
    doc = upsertSection(doc, 'ingest', 'Ingest (issue #3)', 'ingest v1');
    const updated = upsertSection(doc, 'persons-page', 'ignored when the section exists', 'table v2');
    expect(updated).toContain('<!-- bench:persons-page -->\ntable v2\n<!-- /bench:persons-page -->\n');
    expect(updated).not.toContain('table v1');
    expect(updated).toContain('Notes written by hand.');
    expect(updated).toContain('<!-- bench:ingest -->\ningest v1\n<!-- /bench:ingest -->');
    expect(updated).not.toContain('ignored when the section exists');
    expect(updated.indexOf('Persons page')).toBeLessThan(updated.indexOf('Ingest (issue #3)'));
    // rewriting again changes nothing
    expect(upsertSection(updated, 'persons-page', 'x', 'table v2')).toBe(updated);
  });

  it('refuses broken markers instead of guessing', () => {
    const doc = `${RESULTS_HEADER}\n<!-- bench:persons-page -->\nhalf a section\n`;
    expect(() => upsertSection(doc, 'persons-page', 't', 'b')).toThrow(
      /markers of section "persons-page" are broken/,
    );
  });

  it('escapes pipes so a command line stays in its cell', () => {
    expect(markdownTable(['figure', 'command'], [['a', 'x | y']])).toBe(
      '| figure | command |\n| --- | --- |\n| a | x \\| y |',
    );
  });
});
