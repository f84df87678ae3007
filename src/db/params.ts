/**
 * A `text[]` (or `date[]`, …) parameter as PostgreSQL's array literal, built with one `join`:
 * pg's own conversion of a JavaScript array concatenates it element by element, a rope of
 * thousands of pieces for each of an ingest batch's look-ups, which V8 then copies flat again to
 * send it. Every element is quoted (so commas, braces, spaces, `NULL` and empty strings stay
 * themselves) with its backslashes and double quotes escaped; `null` is SQL NULL. Elements that
 * need no escaping (content hashes, ID numbers, most addresses) are joined as they are.
 */
export function arrayLiteral(values: readonly (string | null)[]): string {
  if (values.length === 0) return '{}';
  let plain = true;
  for (const v of values) {
    if (v === null || v.includes('"') || v.includes('\\')) {
      plain = false;
      break;
    }
  }
  if (plain) return `{"${values.join('","')}"}`;
  return `{${values.map((v) => (v === null ? 'NULL' : `"${v.replace(ESCAPED, '\\$&')}"`)).join(',')}}`;
}

const ESCAPED = /["\\]/g;
