import { AppError } from '../errors/app-error';

/** Largest page a client may ask for. */
export const MAX_PAGE_SIZE = 200;
/** Page size when the client gives none. */
export const DEFAULT_PAGE_SIZE = 50;

/** A request for one page of a keyset-paginated list ordered by id. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** One page of rows plus what a Relay connection needs. */
export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  cursorOf: (node: T) => string;
}

/** Opaque cursor for a row id. */
export function encodeCursor(id: number): string {
  return Buffer.from(`cursor:${id}`).toString('base64url');
}

/** The id behind a cursor; a malformed cursor is the caller's error. */
export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString();
  const m = /^cursor:(\d+)$/.exec(text);
  if (!m) throw new AppError('CURSOR_INVALID', 'after is not a cursor this API returned', 'after');
  return Number(m[1]);
}

/** Validates first/after and returns the limit and the id to start after. */
export function pageWindow(args: PageArgs): { limit: number; afterId: number } {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new AppError('PAGE_SIZE_EXCEEDED', `first must be between 0 and ${MAX_PAGE_SIZE}`, 'first');
  }
  return { limit: first, afterId: args.after ? decodeCursor(args.after) : 0 };
}

/** Cuts the one-extra row fetched to learn whether another page follows. */
export function toPage<T extends { id: number }>(rows: T[], limit: number, afterId: number): Page<T> {
  return {
    nodes: rows.slice(0, limit),
    hasNextPage: rows.length > limit,
    hasPreviousPage: afterId > 0,
    cursorOf: (n) => encodeCursor(n.id),
  };
}
