import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { DateTime, errors, Id, IdParams, Nullable, TrackingLevelSchema } from '../../http/schemas.ts';
import type { Config } from '../../config.ts';
import type { TrackingService } from './tracking.service.ts';

const ThreadState = Type.Object({
  threadId: Type.Integer(),
  level: TrackingLevelSchema,
  lastRead: Type.Integer({ description: 'The last post number the member has seen (0: never opened)' }),
  unread: Type.Integer({ description: 'Published posts after lastRead, counted for tracked or watched threads' }),
  isNew: Type.Boolean({ description: 'Started in the last two days and never opened' }),
});
const Bookmark = Type.Object({
  id: Type.Integer(),
  postId: Type.Integer(),
  note: Type.String(),
});

export async function trackingRoutes(
  fastify: FastifyInstance,
  { tracking, config }: { tracking: TrackingService; config: Config },
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['tracking'];

  app.post(
    '/api/threads/:id/read',
    {
      config: {
        sessionWrites: 'self',
        // Read positions arrive as the member scrolls (one every few seconds per thread at most): generous for
        // reading, tight enough that a loop cannot turn the route into a write flood.
        rateLimit: {
          max: config.rateLimits.readPosition,
          timeWindow: '1 minute',
          keyGenerator: (req: { actor: { id: number } | null; ip: string }) => `read:${req.actor?.id ?? req.ip}`,
        },
      },
      schema: {
        operationId: 'markThreadRead',
        tags,
        summary: 'Moves your read position in a thread forward to a post number (never back)',
        params: IdParams,
        body: Type.Object({ number: Type.Integer({ minimum: 1, maximum: 2147483647 }) }),
        response: { 204: Type.Null(), ...errors(401, 403, 404, 422, 429) },
      },
    },
    async (req, reply) => {
      await tracking.markRead(req.actor, req.params.id, req.body.number);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/api/threads/:id/tracking',
    {
      config: { sessionWrites: 'self' },
      schema: {
        operationId: 'setThreadTracking',
        tags,
        summary: 'Your notification level for a thread',
        params: IdParams,
        body: Type.Object({ level: TrackingLevelSchema }),
        response: {
          200: Type.Object({ level: TrackingLevelSchema, lastRead: Type.Integer() }),
          ...errors(401, 403, 404, 422),
        },
      },
    },
    async (req) => tracking.setThreadLevel(req.actor, req.params.id, req.body.level),
  );

  app.get(
    '/api/tracking/threads',
    {
      schema: {
        operationId: 'getThreadTracking',
        tags,
        summary: 'Your level, read position, unread and new for the listed threads (the overlay of every list)',
        querystring: Type.Object({
          ids: Type.String({ pattern: '^[1-9][0-9]{0,9}(,[1-9][0-9]{0,9}){0,99}$', description: 'Up to 100 ids' }),
        }),
        response: {
          200: Type.Object({
            previousVisitAt: Nullable(DateTime),
            threads: Type.Array(ThreadState),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) =>
      tracking.threadStates(
        req.actor,
        req.query.ids
          .split(',')
          .map(Number)
          .filter((n) => n <= 2147483647),
      ),
  );

  app.put(
    '/api/categories/:id/tracking',
    {
      config: { sessionWrites: 'self' },
      schema: {
        operationId: 'setCategoryTracking',
        tags,
        summary: 'Your notification level for a category (its threads inherit it)',
        params: IdParams,
        body: Type.Object({ level: TrackingLevelSchema }),
        response: {
          200: Type.Object({ categoryId: Type.Integer(), level: TrackingLevelSchema }),
          ...errors(401, 403, 404, 422),
        },
      },
    },
    async (req) => tracking.setCategoryLevel(req.actor, req.params.id, req.body.level),
  );

  app.get(
    '/api/tracking/categories',
    {
      schema: {
        operationId: 'getCategoryTracking',
        tags,
        summary: 'Per category: your level, threads with unread posts, new threads',
        response: {
          200: Type.Object({
            categories: Type.Array(
              Type.Object({
                categoryId: Type.Integer(),
                level: TrackingLevelSchema,
                unread: Type.Integer(),
                new: Type.Integer(),
              }),
            ),
          }),
          ...errors(401, 403),
        },
      },
    },
    async (req) => ({ categories: await tracking.categoryCounts(req.actor) }),
  );

  app.put(
    '/api/posts/:id/bookmark',
    {
      config: { sessionWrites: 'self' },
      schema: {
        operationId: 'bookmarkPost',
        tags,
        summary: 'Bookmarks a post, or changes the note of its bookmark',
        params: IdParams,
        body: Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })) }),
        response: {
          200: Type.Object({ bookmark: Bookmark }),
          201: Type.Object({ bookmark: Bookmark }),
          ...errors(401, 403, 404, 422),
        },
      },
    },
    async (req, reply) => {
      const { created, bookmark } = await tracking.bookmark(req.actor, req.params.id, req.body.note?.trim() ?? '');
      return reply.status(created ? 201 : 200).send({ bookmark });
    },
  );

  app.delete(
    '/api/posts/:id/bookmark',
    {
      config: { sessionWrites: 'self' },
      schema: {
        operationId: 'removeBookmark',
        tags,
        summary: 'Removes your bookmark of a post',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => {
      await tracking.unbookmark(req.actor, req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/bookmarks',
    {
      schema: {
        operationId: 'listBookmarks',
        tags,
        summary: 'Your bookmarks, newest first',
        querystring: Type.Object({ before: Type.Optional(Id) }),
        response: {
          200: Type.Object({
            bookmarks: Type.Array(
              Type.Object({
                id: Type.Integer(),
                note: Type.String(),
                createdAt: DateTime,
                postId: Type.Integer(),
                number: Type.Integer(),
                threadId: Type.Integer(),
                title: Nullable(Type.String({ description: 'null when you may no longer read the post' })),
                excerpt: Nullable(Type.String()),
                author: Nullable(Type.Object({ username: Type.String(), displayName: Type.String() })),
              }),
            ),
            nextBefore: Nullable(Type.Integer()),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => tracking.listBookmarks(req.actor, req.query.before),
  );
}
