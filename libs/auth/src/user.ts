import type { UserInfo } from '@portico/proto';

export const anonymousUser = 'system:anonymous';
export const unauthenticatedGroup = 'system:unauthenticated';
export const authenticatedGroup = 'system:authenticated';
export const mastersGroup = 'system:masters';

export function userInfo(username: string, groups: string[], uid = ''): UserInfo {
  return { username, uid, groups, extra: {} };
}

/** Every authenticated user is also in system:authenticated (k8s: AuthenticatedGroupAdder). */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.groups.includes(authenticatedGroup) || user.username === anonymousUser) return user;
  return { ...user, groups: [...user.groups, authenticatedGroup] };
}
