import { GraphQLError } from 'graphql';
import { AppError } from '../errors/app-error';
import { formatError } from './errors';

function run(original: Error | undefined, code?: string) {
  const logged: string[] = [];
  const err = new GraphQLError(original?.message ?? 'syntax', {
    originalError: original,
    path: ['persons'],
    extensions: code ? { code } : {},
  });
  const formatted = formatError((l) => logged.push(l))(
    { message: err.message, path: ['persons'], extensions: { code: code ?? 'INTERNAL_SERVER_ERROR' } },
    err,
  );
  return { formatted, logged };
}

describe('the one error mapping', () => {
  it('maps an AppError to its public code with the domain reason and field', () => {
    const { formatted, logged } = run(
      new AppError('ID_CHECKSUM_INVALID', 'ID number check character is wrong', 'input.idNumber'),
    );
    expect(formatted.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'ID_CHECKSUM_INVALID',
      field: 'input.idNumber',
    });
    expect(formatted.message).toBe('ID number check character is wrong');
    expect(logged).toEqual([]);
  });

  it('masks an unexpected error and logs it', () => {
    const { formatted, logged } = run(new Error('relation "secret_table" does not exist'));
    expect(formatted).toMatchObject({
      message: 'internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(JSON.stringify(formatted)).not.toContain('secret_table');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('secret_table');
  });

  it('turns a foreign-key violation into BAD_USER_INPUT naming the constraint', () => {
    const fk = Object.assign(new Error('insert violates foreign key'), {
      code: '23503',
      constraint: 'thing_department_code_fkey',
    });
    const { formatted } = run(fk);
    expect(formatted.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'REFERENCE_UNKNOWN',
      constraint: 'thing_department_code_fkey',
    });
  });

  it("passes the query's own validation errors through", () => {
    const { formatted, logged } = run(undefined, 'GRAPHQL_VALIDATION_FAILED');
    expect(formatted.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(logged).toEqual([]);
  });
});
