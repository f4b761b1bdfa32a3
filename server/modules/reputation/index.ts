/** reputation: points, trust levels, badges, the leaderboard and featured threads. */
export { RecognitionService } from './recognition.service.ts';
export { reputationRoutes } from './reputation.routes.ts';
export { ReputationService, trustFigures } from './reputation.service.ts';
export { type ReputationSettings, ReputationSettingsStore } from './reputation.settings.ts';
