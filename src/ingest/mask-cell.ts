import { maskIdNumber, maskPhone } from '../normalize';

/**
 * Masks anything in a raw spreadsheet cell that looks like an ID number or a mobile number: the
 * cells of problem rows are as received, so personal data can sit in any column.
 */
export function maskCell(v: unknown): unknown {
  if (typeof v === 'number' && Number.isFinite(v) && Math.abs(v) >= 1e10) return maskIdNumber(String(v));
  if (typeof v !== 'string') return v;
  return v
    .replace(/\d{6}\s*\d{8,11}[\dXx]?/g, (m) => maskIdNumber(m.replace(/\s/g, '')))
    .replace(/(?<!\d)1\d{2}[\s-]?\d{4}[\s-]?\d{4}(?!\d)/g, (m) => maskPhone(m.replace(/[\s-]/g, '')));
}
