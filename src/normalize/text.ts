/** Small text helpers shared by the normalisers (full-width folding, invisible characters, safe shapes). */

const FULL_WIDTH = /[\uFF01-\uFF5E\u3000]/;
const FULL_WIDTH_ALL = new RegExp(FULL_WIDTH.source, 'g');

/** Converts full-width ASCII (Ａ, １, ＋, ．…) and the ideographic space to their half-width forms. */
export function toHalfWidth(s: string): string {
  if (!FULL_WIDTH.test(s)) return s;
  return s.replace(FULL_WIDTH_ALL, (c) =>
    c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );
}

/** Removes every space, tab, line break, NBSP, ideographic space and zero-width character. */
export function removeAllSpaces(s: string): string {
  return s.replace(/[\s\u200B-\u200D\u2060\uFEFF]/g, '');
}

/**
 * Describes a value's shape without revealing it, for error messages: digits become 9, Latin letters
 * A/a, other characters stay; long values are cut. '0915-3212345' → '"9999-9999999" (12 characters)'.
 */
export function describeShape(s: string): string {
  const chars = [...s];
  const masked = chars
    .slice(0, 24)
    .map((c) => (/\d/.test(c) ? '9' : /[A-Z]/.test(c) ? 'A' : /[a-z]/.test(c) ? 'a' : c))
    .join('');
  return `"${masked}${chars.length > 24 ? '…' : ''}" (${chars.length} characters)`;
}

/** A short description of a non-string input's type for error messages: 'a boolean', 'an object'. */
export function describeType(raw: unknown): string {
  if (raw instanceof Date) return 'a Date';
  if (Array.isArray(raw)) return 'an array';
  const t = typeof raw;
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}
