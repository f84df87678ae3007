import { GraphQLError } from 'graphql';
import type { Context } from './context';

/**
 * Stops a request past its deadline at the next field it would resolve, so a slow request does not
 * go on sending SQL after its answer (an EXECUTION_TIMEOUT error) has left.
 */
export function checkDeadline(context: Context | undefined): void {
  if (context && Date.now() > context.deadline) {
    throw new GraphQLError('the request took too long and was stopped', {
      extensions: { code: 'EXECUTION_TIMEOUT' },
    });
  }
}
