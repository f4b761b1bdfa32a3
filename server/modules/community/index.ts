/** community: the health dashboard, the bad-buzz watcher, and the tone of posts. */
export { BuzzWatcher } from './buzz.watcher.ts';
export { healthRoutes } from './health.routes.ts';
export { HealthService } from './health.service.ts';
export { NEGATIVE_AT, postSentiment } from './sentiment.ts';
