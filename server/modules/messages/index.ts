/** messages: private conversations between members and with the team, ignoring a member. */
export { isPersonalDataVerdict, messageVerdict, PERSONAL_DATA_RULES } from './messages.policy.ts';
export { messagesRoutes } from './messages.routes.ts';
export { mayFollowConversation } from './messages.repository.ts';
export { MessagesService } from './messages.service.ts';
