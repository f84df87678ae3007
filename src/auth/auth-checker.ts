import type { AuthChecker } from 'type-graphql';
import type { Context } from '../graphql/context';
import { isPermission } from './roles';

/**
 * type-graphql's check behind `@Authorized(PERMISSIONS.X)`: the viewer must hold every permission
 * named. It throws the domain error itself so the client sees FORBIDDEN with the permission named
 * (UNAUTHENTICATED never reaches here: anonymous requests stop before execution).
 */
export const authChecker: AuthChecker<Context> = ({ context }, permissions) => {
  for (const p of permissions) {
    if (!isPermission(p)) throw new Error(`@Authorized names an unknown permission: ${p}`);
    context.viewer.require(p);
  }
  return true;
};
