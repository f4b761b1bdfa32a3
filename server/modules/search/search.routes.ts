import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { Cursor, DateTime, errors, Nullable, ThreadKindSchema } from '../../http/schemas.ts';
import type { SearchService } from './search.service.ts';

const Kind = Type.Union([
  Type.Literal('discussion'),
  Type.Literal('question'),
  Type.Literal('tip'),
  Type.Literal('idea'),
  Type.Literal('announcement'),
]);
const Segments = Type.Array(Type.Object({ text: Type.String(), hit: Type.Boolean() }), {
  description: 'Plain-text pieces; `hit` marks the matched words. Render as text, never as HTML.',
});
const Hit = Type.Object({
  postId: Type.Integer(),
  number: Type.Integer(),
  state: Type.String({ description: 'published, or pending/hidden (moderators only)' }),
  createdAt: DateTime,
  thread: Type.Object({
    id: Type.Integer(),
    title: Segments,
    kind: ThreadKindSchema,
    state: Type.String(),
    answered: Type.Boolean(),
    lastPostAt: DateTime,
    tags: Type.Array(Type.String(), { description: "The thread's tags by name" }),
  }),
  category: Type.Object({ id: Type.Integer(), slug: Type.String(), name: Type.String(), color: Type.String() }),
  author: Type.Object({ username: Type.String(), displayName: Type.String() }),
  snippet: Segments,
});
const Q = Type.String({ maxLength: 200 });

export async function searchRoutes(
  fastify: FastifyInstance,
  { search, rateLimit }: { search: SearchService; rateLimit: number },
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['search'];
  const limited = {
    rateLimit: {
      max: rateLimit,
      timeWindow: '1 minute',
      keyGenerator: (req: { actor: { id: number } | null; ip: string }) => `search:${req.actor?.id ?? req.ip}`,
    },
  };

  app.get(
    '/api/search',
    {
      config: limited,
      schema: {
        operationId: 'search',
        tags,
        summary: 'Permission-aware full-text search over posts, with highlighted snippets',
        querystring: Type.Object({
          q: Q,
          category: Type.Optional(Type.String({ maxLength: 100 })),
          author: Type.Optional(Type.String({ maxLength: 100 })),
          kind: Type.Optional(Kind),
          from: Type.Optional(Type.String({ format: 'date' })),
          to: Type.Optional(Type.String({ format: 'date', description: 'Inclusive' })),
          answered: Type.Optional(Type.Boolean()),
          cursor: Type.Optional(Cursor),
        }),
        response: {
          200: Type.Object({ adapter: Type.String(), results: Type.Array(Hit), nextCursor: Nullable(Type.String()) }),
          ...errors(400, 429),
        },
      },
    },
    async (req) => {
      const { q, from, to, ...filters } = req.query;
      const page = await search.search(req.actor, q, {
        ...filters,
        from: from ? new Date(`${from}T00:00:00Z`) : undefined,
        to: to ? new Date(new Date(`${to}T00:00:00Z`).getTime() + 86_400_000) : undefined,
      });
      return { adapter: search.adapter, ...page };
    },
  );

  app.get(
    '/api/search/titles',
    {
      config: limited,
      schema: {
        operationId: 'searchTitles',
        tags,
        summary:
          'Thread titles: suggestions as one types (match=all, prefix) or similar threads for a new title (match=any)',
        querystring: Type.Object({
          q: Q,
          match: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('any')])),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
        }),
        response: {
          200: Type.Object({
            threads: Type.Array(
              Type.Object({
                threadId: Type.Integer(),
                title: Type.String(),
                kind: ThreadKindSchema,
                replyCount: Type.Integer(),
                answered: Type.Boolean(),
              }),
            ),
          }),
          ...errors(400, 429),
        },
      },
    },
    async (req) => ({
      threads: await search.titles(req.actor, req.query.q, req.query.match ?? 'all', req.query.limit ?? 6),
    }),
  );

  app.get(
    '/api/search/misses',
    {
      schema: {
        operationId: 'getSearchMisses',
        tags,
        summary: 'Searches that found nothing (community managers): topics to seed',
        querystring: Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })) }),
        response: {
          200: Type.Object({
            days: Type.Integer(),
            searches: Type.Integer(),
            withoutResults: Type.Integer(),
            queries: Type.Array(Type.Object({ query: Type.String(), count: Type.Integer(), last: DateTime })),
          }),
          ...errors(401, 403),
        },
      },
    },
    async (req) => search.misses(req.actor, req.query.days ?? 30),
  );
}
