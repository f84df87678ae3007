/**
 * The shared outcome of every normaliser: either a clean value (with an optional note about what was
 * changed) or a problem code plus an English message. Messages never repeat a full ID number or phone.
 */

/** A normalised value, or the reason the input was refused. `problem` is a SCREAMING_SNAKE code. */
export type NormalizeResult<T> =
  { ok: true; value: T; note?: string } | { ok: false; problem: string; message: string };

/** A successful result, narrowed from `NormalizeResult`. */
export type NormalizeSuccess<T> = Extract<NormalizeResult<T>, { ok: true }>;

/** A refused result, narrowed from `NormalizeResult`. */
export type NormalizeFailure = Extract<NormalizeResult<never>, { ok: false }>;

/** Type guard for a successful result, handy in `filter` and `find`. */
export function isOk<T>(result: NormalizeResult<T>): result is NormalizeSuccess<T> {
  return result.ok;
}

/** Problem code every normaliser returns for null, undefined, '' or whitespace-only input. */
export const BLANK = 'BLANK';

const INVISIBLE = /[\s\u200B-\u200D\u2060\uFEFF]/g;

/** True for null, undefined, and strings that are empty or hold only (ASCII, full-width or invisible) spaces. */
export function isBlank(raw: unknown): boolean {
  if (raw === null || raw === undefined) return true;
  if (typeof raw === 'string') return raw.replace(INVISIBLE, '') === '';
  return false;
}

/** Builds a successful result; the note is omitted when not given. */
export function ok<T>(value: T, note?: string): NormalizeResult<T> {
  return note === undefined ? { ok: true, value } : { ok: true, value, note };
}

/** Builds a refused result. */
export function fail<T = never>(problem: string, message: string): NormalizeResult<T> {
  return { ok: false, problem, message };
}

/** The standard result for blank input; `what` names the field, e.g. 'ID number'. */
export function blank<T = never>(what: string): NormalizeResult<T> {
  return fail(BLANK, `${what} is blank`);
}
