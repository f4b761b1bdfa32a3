/** forum: categories, threads, posts, reactions, the publish pipeline, the home page, templates and scheduling. */
export { forumRoutes } from './forum.routes.ts';
export { ForumService } from './forum.service.ts';
export { homeRoutes } from './home.routes.ts';
export { HomeService } from './home.service.ts';
export { type NewThreadInput, type Outcome, Publisher } from './publish.ts';
export { ReactionsRepository } from './reactions.repository.ts';
export { ReactionsService } from './reactions.service.ts';
export { scheduleRoutes } from './schedule.routes.ts';
export { ScheduleService } from './schedule.service.ts';
export { ThreadScheduler } from './scheduler.ts';
export { ThreadPageService } from './thread-page.service.ts';
export { templatesRoutes } from './templates.routes.ts';
export { TemplatesService } from './templates.service.ts';
