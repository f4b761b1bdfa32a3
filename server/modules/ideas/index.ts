/** ideas: votes, follows, statuses, the board and the export. */
export { ideasRoutes } from './ideas.routes.ts';
export { IDEA_STATUSES, IdeasService } from './ideas.service.ts';
