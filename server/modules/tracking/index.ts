/** tracking: notification levels per thread and category, read positions, unread/new counts, bookmarks. */
export { trackingRoutes } from './tracking.routes.ts';
export { TrackingService } from './tracking.service.ts';
