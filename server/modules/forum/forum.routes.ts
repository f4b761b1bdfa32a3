import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { requireActor } from '../../access/access.ts';
import type { Config } from '../../config.ts';
import { errors, IdParams, ThreadCardFields, ThreadKindSchema } from '../../http/schemas.ts';
import { admission } from '../../http/rate-limit.plugin.ts';
import { checkedActor } from '../../http/session.plugin.ts';
import { renderOffLoop } from '../../lib/cpu-pool.ts';
import { assertStorableText } from '../../lib/text.ts';
import {
  AcceptBody,
  AcceptResponse,
  CategoryCreateBody,
  CategorySchema,
  CategoryUpdateBody,
  EditBody,
  PostSource,
  PreviewBody,
  PreviewResponse,
  ReactionParams,
  ReactionResponse,
  ReplyBody,
  ReplyResponse,
  Revisions,
  ThreadCreateBody,
  ThreadCreateResponse,
  ThreadListQuery,
  ThreadListResponse,
  ThreadPageQuery,
  ThreadPageResponse,
} from './forum.schemas.ts';
import type { ForumService } from './forum.service.ts';
import type { ThreadPageService } from './thread-page.service.ts';
import type { Post } from '../../db/types.ts';
import type { Publisher } from './publish.ts';
import type { ReactionsService } from './reactions.service.ts';

export interface ForumRouteDeps {
  config: Config;
  /** The live posting limit (per minute) community managers set. */
  community: { get(): Promise<{ postsPerMinute: number }> };
  forum: ForumService;
  threadPages: ThreadPageService;
  publisher: Publisher;
  reactions: ReactionsService;
}

const postView = (p: Post) => ({
  id: p.id,
  threadId: p.thread_id,
  number: p.number,
  state: p.state,
  html: p.body_html,
  createdAt: p.created_at.toISOString(),
});

export async function forumRoutes(
  fastify: FastifyInstance,
  { config, community, forum, threadPages, publisher, reactions }: ForumRouteDeps,
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // A new thread or reply changes no session or figure but its author's own (sessionWrites: session.plugin.ts).
  const postingLimit = {
    sessionWrites: 'self' as const,
    rateLimit: {
      max: async () => (await community.get()).postsPerMinute,
      timeWindow: '1 minute',
      keyGenerator: (req: { actor: { id: number } | null; ip: string }) => `post:${req.actor?.id ?? req.ip}`,
    },
  };
  // A reply's count goes out beside its first reads (one round trip, not two): the same limit and counter.
  const admitReply = admission(fastify, {
    namespace: 'POST /api/threads/:id/posts',
    max: postingLimit.rateLimit.max,
    timeWindowMs: 60_000,
    key: postingLimit.rateLimit.keyGenerator,
  });

  app.get(
    '/api/categories',
    {
      schema: {
        operationId: 'listCategories',
        tags: ['forum'],
        summary: 'All categories, in display order',
        response: { 200: Type.Object({ categories: Type.Array(CategorySchema) }) },
      },
    },
    async (req) => ({ categories: await forum.listCategories(req.actor) }),
  );

  app.post(
    '/api/categories',
    {
      schema: {
        operationId: 'createCategory',
        tags: ['forum'],
        summary: 'Create a category (community managers)',
        body: CategoryCreateBody,
        response: { 201: CategorySchema, ...errors(401, 403, 409, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await forum.createCategory(req.actor, req.body)),
  );

  app.patch(
    '/api/categories/:id',
    {
      schema: {
        operationId: 'updateCategory',
        tags: ['forum'],
        summary: 'Change a category (community managers)',
        params: IdParams,
        body: CategoryUpdateBody,
        response: { 200: CategorySchema, ...errors(401, 403, 404, 422) },
      },
    },
    async (req) => {
      const category = await forum.updateCategory(req.actor, req.params.id, req.body);
      // Who may see it may have changed: open live sockets are checked now rather than at the next round.
      void app.liveRecheck().catch((err: unknown) => req.log.warn({ err }, 'live recheck failed'));
      return category;
    },
  );

  app.get(
    '/api/categories/:slug/threads',
    {
      schema: {
        operationId: 'listCategoryThreads',
        tags: ['forum'],
        summary: "A category's threads, one keyset page at a time",
        params: Type.Object({ slug: Type.String({ maxLength: 100 }) }),
        querystring: ThreadListQuery,
        response: { 200: ThreadListResponse, ...errors(400, 404) },
      },
    },
    async (req) =>
      forum.listThreads({
        actor: req.actor,
        categorySlug: req.params.slug,
        tag: req.query.tag,
        sort: req.query.sort ?? 'latest',
        cursor: req.query.cursor,
        limit: req.query.limit,
      }),
  );

  app.get(
    '/api/threads',
    {
      schema: {
        operationId: 'listLatestThreads',
        tags: ['forum'],
        summary: 'Latest threads across all categories',
        querystring: ThreadListQuery,
        response: { 200: ThreadListResponse, ...errors(400) },
      },
    },
    async (req) =>
      forum.listThreads({
        sort: req.query.sort ?? 'latest',
        tag: req.query.tag,
        cursor: req.query.cursor,
        limit: req.query.limit,
        actor: req.actor,
      }),
  );

  app.get(
    '/api/threads/scheduled',
    {
      schema: {
        operationId: 'listScheduledThreads',
        tags: ['forum'],
        summary: 'Threads waiting for their publication time (community managers): the calendar',
        response: {
          200: Type.Object({
            threads: Type.Array(
              Type.Object({
                ...ThreadCardFields,
                kind: ThreadKindSchema,
                publishAt: Type.String({ format: 'date-time' }),
              }),
            ),
          }),
          ...errors(401, 403),
        },
      },
    },
    async (req) => ({ threads: await forum.scheduled(req.actor) }),
  );

  app.post(
    '/api/threads',
    {
      config: postingLimit,
      schema: {
        operationId: 'createThread',
        tags: ['forum'],
        summary: 'Start a thread',
        body: ThreadCreateBody,
        response: { 201: ThreadCreateResponse, ...errors(401, 403, 422, 429) },
      },
    },
    async (req, reply) => {
      const { thread, post, outcome } = await publisher.createThread(req.actor, req.body);
      return reply.status(201).send({
        thread: { id: thread.id, title: thread.title, kind: thread.kind, state: thread.state },
        post: postView(post),
        moderation: outcome,
      });
    },
  );

  app.get(
    '/api/threads/:id',
    {
      schema: {
        operationId: 'getThread',
        tags: ['forum'],
        summary: 'A thread and one page of its posts',
        params: IdParams,
        querystring: ThreadPageQuery,
        response: { 200: ThreadPageResponse, ...errors(400, 404) },
      },
    },
    async (req, reply) => {
      // `Cache-Control: no-cache`: the page as of now, not as this node last heard (a refetch on a live event).
      const revalidate = /no-cache/i.test(req.headers['cache-control'] ?? '');
      const page = await threadPages.getThread(req.actor, req.params.id, { ...req.query, revalidate });
      // The page's JSON, made from pieces serialised once per version (page-json.ts): the bytes of a
      // ThreadPageResponse, which the typed reply cannot express, hence the cast.
      return reply.type('application/json; charset=utf-8').send(page as never);
    },
  );

  app.post(
    '/api/threads/:id/posts',
    {
      config: { sessionWrites: postingLimit.sessionWrites, sessionCheck: 'beside' },
      schema: {
        operationId: 'replyToThread',
        tags: ['forum'],
        summary: 'Reply in a thread',
        params: IdParams,
        body: ReplyBody,
        response: { 201: ReplyResponse, ...errors(401, 403, 404, 422, 429) },
      },
    },
    async (req, reply) => {
      const { post, outcome } = await publisher.reply(
        req.actor,
        req.params.id,
        req.body,
        admitReply(req),
        checkedActor(req),
      );
      return reply.status(201).send({ post: postView(post), moderation: outcome });
    },
  );

  app.post(
    '/api/threads/:id/accept',
    {
      schema: {
        operationId: 'acceptAnswer',
        tags: ['forum'],
        summary: "Accept a reply as the question's answer (null clears it)",
        params: IdParams,
        body: AcceptBody,
        response: { 200: AcceptResponse, ...errors(401, 403, 404, 422) },
      },
    },
    async (req) => reactions.accept(req.actor, req.params.id, req.body.postId),
  );

  app.get(
    '/api/posts/:id',
    {
      schema: {
        operationId: 'getPost',
        tags: ['forum'],
        summary: "A post's Markdown source (for editing and quoting)",
        params: IdParams,
        response: { 200: PostSource, ...errors(400, 404) },
      },
    },
    async (req) => forum.getPostSource(req.actor, req.params.id),
  );

  app.patch(
    '/api/posts/:id',
    {
      // A moderator's edit may act on its author's record: every cached read waits for its invalidations.
      config: { rateLimit: postingLimit.rateLimit },
      schema: {
        operationId: 'editPost',
        tags: ['forum'],
        summary: 'Edit a post (its author, or a moderator); the previous version is kept',
        params: IdParams,
        body: EditBody,
        response: { 200: ReplyResponse, ...errors(401, 403, 404, 422) },
      },
    },
    async (req) => {
      const { post, outcome } = await publisher.edit(req.actor, req.params.id, req.body);
      return { post: postView(post), moderation: outcome };
    },
  );

  app.delete(
    '/api/posts/:id',
    {
      schema: {
        operationId: 'deletePost',
        tags: ['forum'],
        summary: 'Delete a post (soft); deleting the first post deletes the thread',
        params: IdParams,
        response: { 200: Type.Object({ ok: Type.Boolean(), threadDeleted: Type.Boolean() }), ...errors(401, 403, 404) },
      },
    },
    async (req) => ({ ok: true, ...(await publisher.remove(req.actor, req.params.id)) }),
  );

  app.get(
    '/api/posts/:id/revisions',
    {
      schema: {
        operationId: 'listPostRevisions',
        tags: ['forum'],
        summary: "A post's earlier versions (its author and moderators)",
        params: IdParams,
        response: { 200: Revisions, ...errors(401, 403, 404) },
      },
    },
    async (req) => ({ revisions: await forum.listRevisions(req.actor, req.params.id) }),
  );

  for (const [method, on] of [
    ['post', true],
    ['delete', false],
  ] as const) {
    app[method](
      '/api/posts/:id/reactions/:kind',
      {
        // The post author's figures (reputation, trust) reach this node's cache with PostgreSQL's notification.
        config: { sessionWrites: 'self', sessionCheck: 'beside' },
        schema: {
          operationId: on ? 'addReaction' : 'removeReaction',
          tags: ['forum'],
          summary: on ? 'Like a post or mark it helpful (idempotent)' : 'Take a like or helpful mark back',
          params: ReactionParams,
          response: { 200: ReactionResponse, ...errors(401, 403, 404, 422) },
        },
      },
      async (req) => reactions.react(req.actor, req.params.id, req.params.kind, on, checkedActor(req)),
    );
  }

  app.post(
    '/api/markdown/preview',
    {
      config: {
        rateLimit: {
          max: config.rateLimits.preview,
          timeWindow: '1 minute',
          keyGenerator: (req: { actor: { id: number } | null; ip: string }) => `preview:${req.actor?.id ?? req.ip}`,
        },
      },
      schema: {
        operationId: 'previewMarkdown',
        tags: ['forum'],
        summary: "The composer's live preview, through the same renderer and sanitizer as a real post",
        body: PreviewBody,
        response: { 200: PreviewResponse, ...errors(401, 413, 422, 429) },
      },
    },
    async (req) => {
      requireActor(req.actor);
      assertStorableText('body', req.body.body);
      return { html: await renderOffLoop(req.body.body.slice(0, config.limits.bodyMax)) };
    },
  );
}
