import { createContext, useContext } from 'react';

/** A field of an object type as the server describes it. */
export interface FieldInfo {
  name: string;
  /** Named type after unwrapping lists and non-nulls. */
  type: string;
  /** TypeKind of that named type: SCALAR, ENUM, OBJECT... */
  kind: string;
  args: { name: string; type: string; required: boolean }[];
}

/**
 * What the connected server offers. The console reads the schema once at start-up so that pages
 * built for operations still being added to the API (ingest) or missing from an older server
 * (reports, case KPIs and subscriptions) switch themselves on when the server has them, and say "该功能尚未启用" until then.
 */
export interface Features {
  /** Object types by name, with their fields (empty when introspection is off). */
  types: Map<string, Map<string, FieldInfo>>;
  /** Input object types by name, with their fields. */
  inputs: Map<string, { name: string; type: string; required: boolean }[]>;
  /** Root fields that exist, as "Query.forms", "Mutation.login", "Subscription.caseUpdated". */
  roots: Set<string>;
  /** Whether the answer came from introspection (false: probed root field by root field). */
  introspected: boolean;
}

/** Root operations the pages may use; probed one by one when introspection is disabled. */
export const KNOWN_ROOTS = [
  'Query.ingestRun',
  'Query.ingestRuns',
  'Query.forms',
  'Query.report',
  'Query.reports',
  'Query.caseKpis',
  'Mutation.generateReport',
  'Mutation.login',
  'Mutation.reportCase',
  'Subscription.caseUpdated',
  'Subscription.ingestProgress',
  'Subscription.recordChanged',
] as const;

const TYPE_REF =
  'kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }';
/** The one introspection query the console sends at start-up. */
export const INTROSPECTION = `query ConsoleFeatures {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { name kind fields { name type { ${TYPE_REF} } args { name type { ${TYPE_REF} } } }
      inputFields { name type { ${TYPE_REF} } } }
  }
}`;

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}

function unwrap(t: TypeRef): { name: string; kind: string; required: boolean } {
  const required = t.kind === 'NON_NULL';
  let cur: TypeRef | null = t;
  while (cur && !cur.name) cur = cur.ofType;
  return { name: cur?.name ?? '', kind: cur?.kind ?? '', required };
}

/** Builds the feature map from an introspection answer. */
export function featuresFromSchema(schema: {
  queryType: { name: string } | null;
  mutationType: { name: string } | null;
  subscriptionType: { name: string } | null;
  types: {
    name: string;
    kind: string;
    fields: { name: string; type: TypeRef; args: { name: string; type: TypeRef }[] }[] | null;
    inputFields?: { name: string; type: TypeRef }[] | null;
  }[];
}): Features {
  const kinds = new Map(schema.types.map((t) => [t.name, t.kind]));
  const types = new Map<string, Map<string, FieldInfo>>();
  const inputs = new Map<string, { name: string; type: string; required: boolean }[]>();
  for (const t of schema.types) {
    if (t.inputFields) {
      inputs.set(
        t.name,
        t.inputFields.map((x) => {
          const u = unwrap(x.type);
          return { name: x.name, type: u.name, required: u.required };
        }),
      );
    }
    if (!t.fields) continue;
    const fields = new Map<string, FieldInfo>();
    for (const f of t.fields) {
      const u = unwrap(f.type);
      fields.set(f.name, {
        name: f.name,
        type: u.name,
        kind: kinds.get(u.name) ?? u.kind,
        args: f.args.map((a) => {
          const ua = unwrap(a.type);
          return { name: a.name, type: ua.name, required: ua.required };
        }),
      });
    }
    types.set(t.name, fields);
  }
  const roots = new Set<string>();
  const rootNames: [string, string | undefined][] = [
    ['Query', schema.queryType?.name],
    ['Mutation', schema.mutationType?.name],
    ['Subscription', schema.subscriptionType?.name],
  ];
  for (const [label, name] of rootNames) {
    if (!name) continue;
    for (const f of types.get(name)?.keys() ?? []) roots.add(`${label}.${f}`);
    // Keep the conventional names as aliases so look-ups do not depend on how the server named them.
    if (name !== label) types.set(label, types.get(name) ?? new Map());
  }
  return { types, inputs, roots, introspected: true };
}

/** The feature map of the connected server, provided once at the top of the app. */
export const FeaturesContext = createContext<Features>({
  types: new Map(),
  inputs: new Map(),
  roots: new Set(),
  introspected: false,
});

/** The connected server's features. */
export function useFeatures(): Features {
  return useContext(FeaturesContext);
}

/** Whether every given root operation exists ("Query.forms", "Mutation.generateReport"...). */
export function has(f: Features, ...roots: string[]): boolean {
  return roots.every((r) => f.roots.has(r));
}

/** A root field's description (return type and arguments), when introspection told us. */
export function rootField(f: Features, root: string): FieldInfo | undefined {
  const [op, field] = root.split('.');
  return f.types.get(op)?.get(field);
}
