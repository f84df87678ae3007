import {
  Arg,
  Authorized,
  Ctx,
  Field,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
} from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import type { Context } from '../../graphql/context';
import { actorFields } from '../../auth/audit.service';
import { PERMISSIONS } from '../../auth/roles';
import { AppError } from '../../errors/app-error';

@ObjectType({ description: 'A signed-in session: a short-lived access token and a refresh token.' })
class AuthSession {
  @Field({ description: 'Send as `Authorization: Bearer <token>` (or in graphql-ws connection_init).' })
  accessToken: string;

  @Field({ description: 'When the access token expires.' })
  accessTokenExpiresAt: Date;

  @Field({ description: 'Exchange once for a new session with refreshSession; it is then used up.' })
  refreshToken: string;

  @Field({ description: 'When the refresh token expires.' })
  refreshTokenExpiresAt: Date;
}

@ObjectType({ description: 'Who is asking: the signed-in account or API key and what it may see.' })
class ViewerInfo {
  @Field({ description: 'Account or key name.' })
  name: string;

  @Field({ description: 'STAFF, APP or ANONYMOUS.' })
  kind: string;

  @Field({ description: 'Role (GRID_WORKER, COMMUNITY_STAFF, ..., APP).' })
  role: string;

  @Field(() => [String], { description: 'Permissions held (record:read, pii:unmask...).' })
  permissions: string[];

  @Field(() => [String], {
    nullable: true,
    description: 'Codes of the areas whose subtrees are visible; null: every area.',
  })
  areaScope: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Departments whose facts are visible; null: every department.',
  })
  departments: string[] | null;
}

@ObjectType({ description: 'One audit record (审计记录).' })
class AuditRecord {
  @Field(() => ID, { description: 'Record number (increasing).' })
  id: number;

  @Field({ description: 'When it happened.' })
  at: Date;

  @Field({ description: 'STAFF, APP, SYSTEM or ANONYMOUS.' })
  actorKind: string;

  @Field(() => String, { nullable: true, description: 'Account or key id.' })
  actorId: string | null;

  @Field({ description: 'Account or key name.' })
  actorName: string;

  @Field(() => String, { nullable: true, description: 'Role at the time.' })
  role: string | null;

  @Field({ description: 'What was done: `mutation updatePerson`, `unmask Person.idNumber`, `login`...' })
  operation: string;

  @Field(() => String, { nullable: true, description: 'Global id or name of what it was done to.' })
  target: string | null;

  @Field(() => String, { nullable: true, description: 'The purpose stated for an unmasked read.' })
  purpose: string | null;

  @Field({ description: 'SUCCESS, FAILURE or DENIED.' })
  outcome: string;

  @Field({ description: 'Request id, shared by every record of one request.' })
  requestId: string;

  @Field(() => GraphQLJSON, { nullable: true, description: 'More about it (argument names, error reason).' })
  details: unknown;
}

@InputType({ description: 'Filters of the audit log; all given must hold.' })
class AuditLogFilter {
  @Field(() => String, { nullable: true, description: 'Only this account or key name.' })
  actorName?: string | null;

  @Field(() => String, { nullable: true, description: 'Only this operation.' })
  operation?: string | null;

  @Field(() => String, { nullable: true, description: 'Only this target.' })
  target?: string | null;

  @Field(() => Date, { nullable: true, description: 'From this instant (inclusive).' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Until this instant (exclusive).' })
  to?: Date | null;
}

/** Sign-in, session refresh, who am I, and the audit log. */
@Resolver()
export class AuthResolver {
  @Mutation(() => AuthSession, { description: 'Sign in with account name and password (public).' })
  async login(
    @Ctx() ctx: Context,
    @Arg('name', { description: 'Account name.' }) name: string,
    @Arg('password', { description: 'Password.' }) password: string,
  ) {
    try {
      const session = await ctx.services.auth.login(name, password);
      await ctx.audit.load(this.entry(ctx, name, 'SUCCESS'));
      return session;
    } catch (e) {
      if (e instanceof AppError) await ctx.audit.load(this.entry(ctx, name, 'FAILURE'));
      throw e;
    }
  }

  @Mutation(() => AuthSession, {
    description: 'Exchange a refresh token for a new session (public); the token is used up.',
  })
  refreshSession(
    @Ctx() ctx: Context,
    @Arg('refreshToken', { description: 'The refresh token of the current session.' }) refreshToken: string,
  ) {
    return ctx.services.auth.refresh(refreshToken);
  }

  @Query(() => ViewerInfo, { description: 'The caller: account or key, role, permissions and scope.' })
  me(@Ctx() ctx: Context): ViewerInfo {
    const v = ctx.viewer;
    return {
      name: v.name,
      kind: v.kind,
      role: v.role,
      permissions: [...v.permissions].sort(),
      areaScope: v.areaScope ? [...v.areaScope] : null,
      departments: v.departments ? [...v.departments] : null,
    };
  }

  @Authorized(PERMISSIONS.AUDIT_READ)
  @Query(() => [AuditRecord], { description: 'The audit log, newest first (AUDITOR only).' })
  auditLog(
    @Ctx() ctx: Context,
    @Arg('filter', () => AuditLogFilter, { nullable: true, description: 'Filters.' }) filter?: AuditLogFilter,
    @Arg('first', () => Int, { nullable: true, description: 'How many records (default 100, at most 200).' })
    first?: number,
    @Arg('before', () => ID, { nullable: true, description: 'Continue with records older than this id.' })
    before?: string,
  ) {
    const beforeId = before ? Number(before) : null;
    if (beforeId !== null && !Number.isSafeInteger(beforeId))
      throw new AppError('VALUE_INVALID', 'before must be an audit record id', 'before');
    return ctx.services.audit.list(filter ?? {}, first ?? 100, beforeId);
  }

  private entry(ctx: Context, name: string, outcome: 'SUCCESS' | 'FAILURE') {
    return {
      ...actorFields(null),
      actorName: name,
      operation: 'login',
      target: null,
      purpose: null,
      outcome,
      requestId: ctx.requestId,
      details: null,
    };
  }
}
