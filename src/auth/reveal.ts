import { AppError } from '../errors/app-error';
import type { Context } from '../graphql/context';
import { actorFields } from './audit.service';
import { maskPersonalText } from './mask-text';
import { PERMISSIONS } from './roles';

/** Masks the digits of an address (兴安路12号3栋 → 兴安路**号*栋): the street stays, the door does not. */
export function maskAddress(value: string): string {
  return value.replace(/[0-9０-９]/g, '*');
}

/** Description of the `purpose` argument of every maskable field. */
export const PURPOSE_DESCRIPTION =
  'Why the full value is needed (e.g. 低保复核入户核查). Given, and with the pii:unmask permission, the field is returned unmasked and the read is written to the audit log; omitted, the value is masked.';

/**
 * Whether personal data may be shown unmasked: false without a purpose; with a purpose, the
 * viewer must hold pii:unmask and the read is in the audit log before true is returned (a refusal
 * is recorded and fails the request). Used by `reveal` and by exports that unmask many values at
 * once (an ingest run's problem rows), which are one audited read each.
 */
export async function mayUnmask(
  ctx: Pick<Context, 'viewer' | 'audit' | 'requestId'>,
  target: string,
  field: string,
  purpose: string | null | undefined,
): Promise<boolean> {
  if (purpose === null || purpose === undefined) return false;
  const why = purpose.trim();
  if (why.length < 2 || why.length > 200)
    throw new AppError(
      'PURPOSE_REQUIRED',
      'purpose must say in 2–200 characters why the value is needed',
      'purpose',
    );
  const entry = {
    ...actorFields(ctx.viewer),
    operation: `unmask ${field}`,
    target,
    purpose: why,
    requestId: ctx.requestId,
    details: null,
  };
  if (!ctx.viewer.can(PERMISSIONS.PII_UNMASK)) {
    await ctx.audit.load({ ...entry, outcome: 'DENIED' });
    throw new AppError(
      'PERMISSION_DENIED',
      `reading ${field} unmasked needs the permission pii:unmask`,
      'purpose',
    );
  }
  await ctx.audit.load({ ...entry, outcome: 'SUCCESS' });
  return true;
}

/**
 * A personal value for the answer: masked unless a purpose is stated; with a purpose, the
 * viewer must hold pii:unmask, and the read is in the audit log before the value is returned
 * (the request fails rather than hand out an unrecorded value).
 */
export function reveal(
  ctx: Context,
  value: string | null,
  mask: (v: string) => string,
  target: string,
  field: string,
  purpose: string | null | undefined,
): string | null | Promise<string | null> {
  if (value === null || value === undefined) return null;
  // masked, the usual answer, is given at once: a page of masked values needs no promise per field
  if (purpose === null || purpose === undefined) return mask(value);
  return mayUnmask(ctx, target, field, purpose).then((ok) => (ok ? value : mask(value)));
}

/**
 * Free text for the answer (a case description, a handling note, a rating comment, a fact
 * detail): the ID numbers and phone numbers inside it masked, unless a purpose is stated, under
 * the same permission and audit rules as `reveal`.
 */
export function revealText(
  ctx: Context,
  value: string | null,
  target: string,
  field: string,
  purpose: string | null | undefined,
): string | null | Promise<string | null> {
  return reveal(ctx, value, maskPersonalText, target, field, purpose);
}
