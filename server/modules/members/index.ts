/** members: profiles, roles, member management, and the rules an account's name, e-mail and password follow. */
export { managementRoutes } from './management.routes.ts';
export { MemberManagementService } from './management.service.ts';
export { toMe, toPublicMember } from './members.mappers.ts';
export { membersRoutes } from './members.routes.ts';
export {
  assertNotStaffTitle,
  assertValidEmail,
  assertValidPassword,
  assertValidUsername,
  cleanDisplayName,
  displayNameSkeleton,
  isStaffTitle,
} from './members.rules.ts';
export { Me, PublicMember } from './members.schemas.ts';
export { MembersService } from './members.service.ts';
