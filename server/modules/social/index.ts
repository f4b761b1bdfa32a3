/** social: emoji reactions, polls, tags, @mention suggestions and their settings (issue 19). */
import type { Db } from '../../db/kysely.ts';
import { EmojiReactionsService } from './emoji.service.ts';
import { MentionsService } from './mentions.service.ts';
import { pollsRoutes } from './polls.routes.ts';
import { PollsService } from './polls.service.ts';
import { socialRoutes } from './social.routes.ts';
import { SocialService } from './social.service.ts';
import { SocialSettingsStore } from './social.settings.ts';
import { tagsRoutes } from './tags.routes.ts';
import { TagsService } from './tags.service.ts';
import { VisitorCache } from './visitor-cache.ts';

export { DEFAULT_SOCIAL_SETTINGS, type SocialSettings } from './social.settings.ts';
export { normaliseTag } from './tags.rules.ts';
export { type SocialLimits } from './social.schemas.ts';

/**
 * Registers the module's routes with its services built on the database. `searchLimit`: mention suggestions per
 * minute per client; `postingLimit`: polls and tags per minute per member (reactions and votes get four times it).
 */
export async function registerSocial(
  app: import('fastify').FastifyInstance,
  db: Db,
  options: { searchLimit: number; postingLimit: number },
) {
  const settings = new SocialSettingsStore(db);
  const visitors = new VisitorCache<Awaited<ReturnType<SocialService['forThread']>>>();
  const emoji = new EmojiReactionsService(db, settings, visitors);
  const polls = new PollsService(db, visitors);
  const tags = new TagsService(db, settings, visitors);
  const social = new SocialService(db, settings, emoji, polls, tags, visitors);
  const limits = { search: options.searchLimit, posting: options.postingLimit, reacting: options.postingLimit * 4 };
  await app.register(socialRoutes, { social, emoji, mentions: new MentionsService(db), limits });
  await app.register(pollsRoutes, { polls, limits });
  await app.register(tagsRoutes, { tags, limits });
}
