/** messages: private conversations between members and with the team, ignoring a member. */
export { ignoresRoutes } from './ignores.routes.ts';
export { IgnoresService } from './ignores.service.ts';
export { isPersonalDataVerdict, messageVerdict, PERSONAL_DATA_RULES } from './messages.policy.ts';
export { mayFollowConversation } from './messages.repository.ts';
export { messagesRoutes } from './messages.routes.ts';
export { MessagesService } from './messages.service.ts';
