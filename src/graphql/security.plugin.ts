import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { GraphQLError, Kind, OperationDefinitionNode } from 'graphql';
import { actorFields, AuditEntry } from '../auth/audit.service';
import type { Context } from './context';
import { checkLimits, QueryLimits } from './limits';
import type { Services } from '../app/services';
import { withDefaults } from '../config/config';

/** The limits of a configuration. */
export function limitsOf(config: Services['config']): QueryLimits {
  const c = withDefaults(config);
  return {
    depth: c.LIMIT_DEPTH,
    complexity: c.LIMIT_COMPLEXITY,
    aliases: c.LIMIT_ALIASES,
    operations: c.LIMIT_OPERATIONS,
  };
}

/** Root fields anyone may call without credentials. */
export const PUBLIC_FIELDS = new Set(['login', 'refreshSession', '__typename']);

// argument names whose values are record ids (never personal data): they name the audit target
const TARGET_ARGS = ['id', 'personId', 'householdId', 'houseId'];

function rootFields(op: OperationDefinitionNode): { name: string; args: Record<string, unknown> }[] {
  return op.selectionSet.selections
    .filter((s) => s.kind === Kind.FIELD)
    .map((s) => ({ name: s.name.value, args: {} }));
}

/** The target named by a mutation's arguments (a global id), never their personal values. */
function targetOf(args: Record<string, unknown>): string | null {
  for (const k of TARGET_ARGS) if (typeof args[k] === 'string') return args[k];
  const input = args.input as Record<string, unknown> | undefined;
  if (input && typeof input === 'object')
    for (const k of TARGET_ARGS) if (typeof input[k] === 'string') return input[k];
  return null;
}

function argumentValues(
  op: OperationDefinitionNode,
  field: string,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  const node = op.selectionSet.selections.find((s) => s.kind === Kind.FIELD && s.name.value === field);
  const out: Record<string, unknown> = {};
  if (!node || node.kind !== Kind.FIELD) return out;
  for (const a of node.arguments ?? []) {
    if (a.value.kind === Kind.VARIABLE) out[a.name.value] = variables[a.value.name.value];
    else if (a.value.kind === Kind.STRING) out[a.name.value] = a.value.value;
    else if (a.value.kind === Kind.OBJECT) {
      const o: Record<string, unknown> = {};
      for (const f of a.value.fields) {
        if (f.value.kind === Kind.STRING) o[f.name.value] = f.value.value;
        else if (f.value.kind === Kind.VARIABLE) o[f.name.value] = variables[f.value.name.value];
      }
      out[a.name.value] = o;
    }
  }
  return out;
}

/**
 * Runs after parsing and validation and before execution: refuses unauthenticated calls to
 * anything but sign-in, and requests over the limits, without sending a statement. After a
 * mutation it writes one audit record per root field with its outcome.
 */
export function securityPlugin(limits: QueryLimits): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      // only executed mutations are audited: a request refused before execution sends no SQL
      let executed = false;
      return {
        async executionDidStart() {
          executed = true;
        },
        async didResolveOperation(rc: GraphQLRequestContext<Context>) {
          const op = rc.operation!;
          const fields = rootFields(op);
          if (
            rc.contextValue.viewer.kind === 'ANONYMOUS' &&
            (op.operation !== 'mutation' || fields.some((f) => !PUBLIC_FIELDS.has(f.name))) &&
            !(op.operation === 'query' && fields.every((f) => f.name === '__typename'))
          ) {
            throw new GraphQLError('sign in first: send Authorization: Bearer <token> or x-api-key', {
              extensions: { code: 'UNAUTHENTICATED', reason: 'UNAUTHENTICATED', http: { status: 401 } },
            });
          }
          checkLimits(rc.schema, rc.document!, op, rc.request.variables, limits);
        },
        async willSendResponse(rc: GraphQLRequestContext<Context>) {
          const op = rc.operation;
          if (!executed || !op || op.operation !== 'mutation') return;
          const body = rc.response.body;
          const errors = body?.kind === 'single' ? (body.singleResult.errors ?? []) : [];
          const entries: AuditEntry[] = [];
          for (const f of rootFields(op)) {
            if (f.name === 'login' || f.name === '__typename') continue; // login audits itself
            const args = argumentValues(op, f.name, rc.request.variables ?? {});
            const err = errors.find((e) => e.path?.[0] === f.name);
            const code = err?.extensions?.code;
            entries.push({
              ...actorFields(rc.contextValue.viewer),
              operation: `mutation ${f.name}`,
              target: targetOf(args),
              purpose: null,
              outcome: !err
                ? 'SUCCESS'
                : code === 'FORBIDDEN' || code === 'UNAUTHENTICATED'
                  ? 'DENIED'
                  : 'FAILURE',
              requestId: rc.contextValue.requestId,
              details: {
                arguments: Object.keys(args).sort(),
                ...(err ? { reason: err.extensions?.reason ?? code ?? null } : {}),
              },
            });
          }
          await rc.contextValue.services.audit.write(entries);
        },
      };
    },
  };
}
