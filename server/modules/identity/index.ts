/** identity: single sign-on — OpenID Connect providers and DiscourseConnect, beside auth/ (sessions, passwords). */
export { identityRoutes } from './identity.routes.ts';
export { IdentityService } from './identity.service.ts';
export { SignInFlows } from './sign-in.flows.ts';
