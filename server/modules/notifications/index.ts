/** notifications: the bell, preferences, and the notifications forum activity sends. */
export {
  ALWAYS_EMAILED,
  type Audience,
  audienceParts,
  EMAIL_KINDS,
  MUTABLE_KINDS,
  NotificationsRepository,
} from './notifications.repository.ts';
export { notificationsRoutes } from './notifications.routes.ts';
export { notifier } from './notifier.ts';
