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

export { DEFAULT_SOCIAL_SETTINGS, type SocialSettings } from './social.settings.ts';
export { normaliseTag } from './tags.rules.ts';

/** Registers the module's routes with its services built on the database. */
export async function registerSocial(app: import('fastify').FastifyInstance, db: Db, options: { rateLimit: number }) {
  const settings = new SocialSettingsStore(db);
  const emoji = new EmojiReactionsService(db, settings);
  const polls = new PollsService(db);
  const tags = new TagsService(db, settings);
  const social = new SocialService(db, settings, emoji, polls, tags);
  await app.register(socialRoutes, { social, emoji, mentions: new MentionsService(db), rateLimit: options.rateLimit });
  await app.register(pollsRoutes, { polls });
  await app.register(tagsRoutes, { tags });
}
