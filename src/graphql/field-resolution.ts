import { GraphQLFieldResolver, GraphQLSchema, isObjectType } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import type { Context } from './context';
import { checkDeadline } from './deadline';

/**
 * How the fields of the schema are resolved, on top of type-graphql's own resolvers. A page of 50
 * persons resolves about a thousand fields; type-graphql's generic path costs, per field, a
 * resolver-data object, a middleware chain, a sorted copy of the parameter list, a copy of the row
 * into an instance of its class and, for a field with an argument, a promise (its argument
 * validation is asynchronous even when switched off). On the persons page those were the larger
 * part of the server's CPU time (bench/RESULTS.md). What is changed here, and what is not:
 *
 * - plain properties (a person's name) are read by graphql's default resolver
 *   (`plainFieldsResolveByDefault`, before the schema is built);
 * - a `@FieldResolver` whose parameters are only its root, the context, the info and scalar
 *   arguments, without roles or middleware, is called directly (`directFieldResolvers`); any other
 *   resolver (queries, mutations, subscriptions, fields with input-object arguments, roles or
 *   middleware) keeps type-graphql's path, so its authorisation and argument conversion hold;
 * - every resolver checks the request's deadline first, as a plain call (`wrapResolvers`).
 */

type Resolve = GraphQLFieldResolver<unknown, Context>;

/**
 * Lets graphql's own default resolver read plain properties (a person's name, a house's floors):
 * type-graphql otherwise gives every field a resolver of its own that builds a resolver-data
 * object and runs the (empty) middleware chain. A field with roles or middleware, and a property
 * published under another name, keep type-graphql's resolver.
 */
export function plainFieldsResolveByDefault(): void {
  for (const f of getMetadataStorage().fields) {
    if (f.simple !== undefined || f.roles?.length || f.middlewares?.length || f.name !== f.schemaName)
      continue;
    f.simple = true;
  }
}

/** Argument types passed through as graphql-js gives them (type-graphql converts nothing for them). */
const PLAIN_ARG_TYPES = new Set<unknown>([String, Number, Boolean]);

/**
 * Resolvers that call a `@FieldResolver` method directly, by `Type.field`, for the methods whose
 * parameters need no conversion: the root as given (not typed as a class), the context, the info
 * and string, number or boolean arguments, with no roles, middleware or argument validation.
 * One instance per resolver class, as type-graphql's default container keeps.
 */
function directFieldResolvers(): Map<string, Resolve> {
  const storage = getMetadataStorage();
  const typeNames = new Map(storage.objectTypes.map((o) => [o.target, o.name]));
  const instances = new Map<object, Record<string, unknown>>();
  const out = new Map<string, Resolve>();
  for (const fr of storage.fieldResolvers) {
    if (fr.kind !== 'external' || !fr.getObjectType || fr.roles?.length || fr.middlewares?.length) continue;
    const typeName = typeNames.get(fr.getObjectType());
    const params = [...(fr.params ?? [])].sort((a, b) => a.index - b.index);
    const plain = params.every(
      (p, i) =>
        p.index === i &&
        ((p.kind === 'root' && !p.propertyName && (!p.getType || p.getType() === Object)) ||
          (p.kind === 'context' && !p.propertyName) ||
          p.kind === 'info' ||
          (p.kind === 'arg' &&
            !p.validateFn &&
            p.validateSettings === undefined &&
            PLAIN_ARG_TYPES.has(p.getType()))),
    );
    // (a resolver class taking constructor arguments is left to type-graphql's container)
    if (!typeName || !plain || fr.target.length > 0) continue;
    let instance = instances.get(fr.target);
    if (!instance) {
      instance = new (fr.target as new () => Record<string, unknown>)();
      instances.set(fr.target, instance);
    }
    const method = instance[fr.methodName] as (...args: unknown[]) => unknown;
    const self = instance;
    const sources = params.map((p) => (p.kind === 'arg' ? { arg: p.name } : { kind: p.kind }));
    out.set(`${typeName}.${fr.schemaName}`, (root, args, context, info) => {
      const values: unknown[] = new Array(sources.length);
      for (let i = 0; i < sources.length; i++) {
        const s = sources[i];
        values[i] =
          'arg' in s
            ? (args as Record<string, unknown>)[s.arg!]
            : s.kind === 'root'
              ? root
              : s.kind === 'context'
                ? context
                : info;
      }
      return method.apply(self, values);
    });
  }
  return out;
}

/**
 * Puts the deadline check in front of every field's resolver (the fields that fetch or compute;
 * plain properties have none), as a plain synchronous call, and calls the plain field resolvers
 * directly. A resolver left to type-graphql gets its root as an instance of its type's class, made
 * once, in place: type-graphql converts a plain row by building a new instance and copying every
 * property into it, for each field resolver of each row; an instance is passed as it is. Rows of
 * another class are left alone.
 */
export function wrapResolvers(schema: GraphQLSchema): GraphQLSchema {
  const classes = new Map(getMetadataStorage().objectTypes.map((o) => [o.name, o.target]));
  const direct = directFieldResolvers();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const proto = classes.get(type.name)?.prototype as object | undefined;
    for (const field of Object.values(type.getFields())) {
      const fast = direct.get(`${type.name}.${field.name}`);
      if (fast) {
        field.resolve = (root, args, context, info) => {
          checkDeadline(context);
          return fast(root, args, context, info);
        };
        continue;
      }
      const resolve = field.resolve as Resolve | undefined;
      if (!resolve) continue;
      field.resolve = (root, args, context, info) => {
        checkDeadline(context);
        if (proto && root && typeof root === 'object' && Object.getPrototypeOf(root) === Object.prototype)
          Object.setPrototypeOf(root, proto);
        return resolve(root, args, context, info);
      };
    }
  }
  return schema;
}
