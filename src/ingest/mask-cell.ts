import { maskPersonalValue } from '../auth/mask-text';

/**
 * Masks anything in a raw spreadsheet cell that looks like an ID number or a phone number: the
 * cells of problem rows are as received, so personal data can sit in any column.
 */
export function maskCell(v: unknown): unknown {
  return maskPersonalValue(v);
}
