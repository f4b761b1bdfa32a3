import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { errors, Id, StringEnum } from '../../http/schemas.ts';
import type { EmojiReactionsService } from './emoji.service.ts';
import type { MentionsService } from './mentions.service.ts';
import { EmojiCount, EmojiParam, perMinute, Poll, type SocialLimits, SocialSettingsSchema } from './social.schemas.ts';
import type { SocialService } from './social.service.ts';

export interface SocialRouteDeps {
  social: SocialService;
  emoji: EmojiReactionsService;
  mentions: MentionsService;
  limits: SocialLimits;
}

export async function socialRoutes(fastify: FastifyInstance, { social, emoji, mentions, limits }: SocialRouteDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['social'];

  app.get(
    '/api/threads/:id/social',
    {
      schema: {
        operationId: 'getThreadSocial',
        tags,
        summary: "A thread's emoji reactions, polls and tags, and the reactions offered",
        params: Type.Object({ id: Id }),
        response: {
          200: Type.Object({
            reactionSet: Type.Array(Type.String()),
            reactions: Type.Array(EmojiCount),
            polls: Type.Array(Poll),
            tags: Type.Array(Type.String()),
          }),
          ...errors(400, 404),
        },
      },
    },
    async (req) => social.forThread(req.actor, req.params.id),
  );

  for (const on of [true, false]) {
    app.route({
      method: on ? 'PUT' : 'DELETE',
      url: '/api/posts/:id/emoji/:emoji',
      config: perMinute('react', limits.reacting),
      schema: {
        operationId: on ? 'addEmojiReaction' : 'removeEmojiReaction',
        tags,
        summary: on ? 'React to a post with an emoji of the set' : 'Take back an emoji reaction',
        params: Type.Object({ id: Id, emoji: EmojiParam }),
        response: { 200: EmojiCount, ...errors(400, 401, 403, 404, 422, 429) },
      },
      handler: async (req) => emoji.react(req.actor, req.params.id, req.params.emoji, on),
    });
  }

  app.get(
    '/api/posts/:id/emoji/:emoji',
    {
      schema: {
        operationId: 'listEmojiReactors',
        tags,
        summary: 'Who reacted to a post with this emoji (first 100)',
        params: Type.Object({ id: Id, emoji: EmojiParam }),
        response: {
          200: Type.Object({
            members: Type.Array(Type.Object({ username: Type.String(), displayName: Type.String() })),
          }),
          ...errors(400, 404),
        },
      },
    },
    async (req) => emoji.members(req.actor, req.params.id, req.params.emoji),
  );

  app.get(
    '/api/mentions',
    {
      config: perMinute('mentions', limits.search),
      schema: {
        operationId: 'suggestMentions',
        tags,
        summary: 'Members whose name starts with the letters typed after @ (thread participants first)',
        querystring: Type.Object({
          q: Type.String({ minLength: 1, maxLength: 40 }),
          threadId: Type.Optional(Id),
          for: Type.Optional(
            StringEnum(['message'], {
              description:
                'Recipients of a private message: members who would refuse one from you, or whom you ignore, are left out',
            }),
          ),
        }),
        response: {
          200: Type.Object({
            members: Type.Array(
              Type.Object({
                username: Type.String(),
                displayName: Type.String(),
                participant: Type.Boolean({ description: 'Wrote in the thread' }),
              }),
            ),
          }),
          ...errors(400, 401, 403, 429),
        },
      },
    },
    async (req) => mentions.suggest(req.actor, req.query),
  );

  app.get(
    '/api/social/settings',
    {
      schema: {
        operationId: 'getSocialSettings',
        tags,
        summary: 'The emoji reactions offered and the tag limits',
        response: { 200: SocialSettingsSchema },
      },
    },
    async () => social.getSettings(),
  );

  app.put(
    '/api/social/settings',
    {
      schema: {
        operationId: 'updateSocialSettings',
        tags,
        summary: 'Change the reactions offered or the tag limits (community managers; audited)',
        body: Type.Partial(SocialSettingsSchema),
        response: { 200: SocialSettingsSchema, ...errors(401, 403, 422) },
      },
    },
    async (req) => social.updateSettings(req.actor, req.body),
  );
}
