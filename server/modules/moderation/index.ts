/** moderation: the queue and its decisions, reports, sanctions, thread tools, and where a new post goes. */
export { ModerationRepository } from './moderation.repository.ts';
export { moderationRoutes } from './moderation.routes.ts';
export { type PostEditor, type ReasonTemplate, ModerationService } from './moderation.service.ts';
export { type ModerationSettings, ModerationSettingsStore } from './moderation.settings.ts';
export { place, type Placement, recordedHits, refuseIfRejected } from './policy.ts';
export { sanctionsRoutes } from './sanctions.routes.ts';
export { SanctionsService } from './sanctions.service.ts';
