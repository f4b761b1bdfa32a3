/** live: the WebSocket endpoint and each node's fan-out of live events. */
export { type LiveEvent, LiveHub, type LiveSubscriber } from './hub.ts';
export { type LiveControl, liveRoutes } from './live.routes.ts';
export { LiveTopics } from './topics.ts';
