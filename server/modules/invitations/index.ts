/** invitations: links and e-mails that let someone join, limited per trust level; who invited whom. */
export { invitationsRoutes } from './invitations.routes.ts';
export { InvitationsService } from './invitations.service.ts';
