import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { DeadlinePassedError } from '../db/pool';
import { AppError } from '../errors/app-error';

/** Where unexpected errors are reported (never to the client). */
export type ErrorLog = (message: string) => void;

function argumentValidation(err: unknown): { field: string; message: string } | null {
  const e = err as {
    extensions?: { validationErrors?: { property: string; constraints?: Record<string, string> }[] };
  };
  const v = e?.extensions?.validationErrors?.[0];
  if (!v) return null;
  return { field: v.property, message: Object.values(v.constraints ?? {})[0] ?? 'invalid value' };
}

/**
 * The one mapping from errors to what clients see: AppError → its public code with the domain
 * reason and field; GraphQL's own validation errors pass through; anything else is masked as
 * INTERNAL_SERVER_ERROR and logged (without request variables, which may hold personal data).
 */
export function formatError(log: ErrorLog) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? error.originalError : error;
    if (original instanceof AppError) {
      return {
        message: original.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: {
          code: original.code,
          reason: original.reason,
          ...(original.field ? { field: original.field } : {}),
          ...(original.details ?? {}),
        },
      };
    }
    const pg = original as { code?: string; constraint?: string } | undefined;
    if (pg?.code === '23503') {
      return {
        message: 'a referenced record does not exist',
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: 'BAD_USER_INPUT', reason: 'REFERENCE_UNKNOWN', constraint: pg.constraint },
      };
    }
    // the request's execution timeout (a statement cancelled or refused) or the pool's
    // statement_timeout: the request took too long, which is not an internal fault
    if (original instanceof DeadlinePassedError || pg?.code === '57014') {
      return {
        message: 'the request took too long and was stopped',
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: 'EXECUTION_TIMEOUT' },
      };
    }
    const validation = argumentValidation(original);
    if (validation) {
      return {
        message: validation.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: 'BAD_USER_INPUT', reason: 'VALUE_INVALID', field: validation.field },
      };
    }
    const code = formatted.extensions?.code as string | undefined;
    // the request's own syntax and validation errors, already described by GraphQL
    if (code && code !== 'INTERNAL_SERVER_ERROR') return formatted;
    const detail = original instanceof Error ? (original.stack ?? original.message) : String(original);
    log(`internal error at ${formatted.path?.join('.') ?? '?'}: ${detail}`);
    return {
      message: 'internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
