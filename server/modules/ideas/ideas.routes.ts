import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { errors, Id, IdeaStatusSchema, Nullable, ThreadCardFields } from '../../http/schemas.ts';
import type { IdeasService } from './ideas.service.ts';

const Status = Type.Union([
  Type.Literal('new'),
  Type.Literal('under_review'),
  Type.Literal('planned'),
  Type.Literal('shipped'),
  Type.Literal('declined'),
]);
const Panel = Type.Object({
  status: IdeaStatusSchema,
  note: Type.String(),
  statusAt: Nullable(Type.String({ format: 'date-time' })),
  votes: Type.Integer(),
  voted: Type.Boolean(),
  following: Type.Boolean(),
});
const Params = Type.Object({ id: Id });

export async function ideasRoutes(fastify: FastifyInstance, { ideas }: { ideas: IdeasService }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['ideas'];

  app.get(
    '/api/ideas',
    {
      schema: {
        operationId: 'listIdeas',
        tags,
        summary: 'The ideas board: published ideas by votes or newest, optionally of one status',
        querystring: Type.Object({
          status: Type.Optional(Status),
          sort: Type.Optional(Type.Union([Type.Literal('votes'), Type.Literal('recent')])),
          offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 3000 })),
        }),
        response: {
          200: Type.Object({
            ideas: Type.Array(
              Type.Object({
                ...ThreadCardFields,
                status: IdeaStatusSchema,
                note: Type.String(),
                votes: Type.Integer(),
                replies: Type.Integer(),
                voted: Type.Boolean(),
                createdAt: Type.String({ format: 'date-time' }),
              }),
            ),
            nextOffset: Nullable(Type.Integer()),
          }),
          ...errors(400),
        },
      },
    },
    async (req) =>
      ideas.board(req.actor, {
        status: req.query.status,
        sort: req.query.sort ?? 'votes',
        offset: req.query.offset ?? 0,
      }),
  );

  app.get(
    '/api/ideas/export.csv',
    {
      schema: {
        operationId: 'exportIdeasCsv',
        tags,
        summary: 'Every published idea (votes, status) and bug report (likes), with links, as CSV (community managers)',
        querystring: Type.Object({
          locale: Type.Optional(
            Type.Union([Type.Literal('fr'), Type.Literal('en')], {
              description:
                "The spreadsheet's language: headers, types, statuses and dates as it reads them, `;` between cells in French (default fr)",
            }),
          ),
        }),
        response: { 200: Type.String(), ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const locale = req.query.locale ?? 'fr';
      const csv = await ideas.exportCsv(req.actor, { locale, requestOrigin: `${req.protocol}://${req.host}` });
      const day = new Date().toISOString().slice(0, 10);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${locale === 'fr' ? 'idees' : 'ideas'}-${day}.csv"`)
        .send(csv);
    },
  );

  app.get(
    '/api/threads/:id/idea',
    {
      schema: {
        operationId: 'getIdeaPanel',
        tags,
        summary: 'An idea’s status, note, votes, and whether you voted or follow it',
        params: Params,
        response: { 200: Panel, ...errors(400, 404, 422) },
      },
    },
    async (req) => ideas.get(req.actor, req.params.id),
  );

  for (const method of ['POST', 'DELETE'] as const) {
    app.route({
      method,
      url: '/api/threads/:id/vote',
      schema: {
        operationId: method === 'POST' ? 'voteIdea' : 'unvoteIdea',
        tags,
        summary: method === 'POST' ? 'Votes for an idea' : 'Takes back your vote',
        params: Params,
        response: { 200: Panel, ...errors(400, 401, 403, 404, 422) },
      },
      handler: async (req) => ideas.vote(req.actor, req.params.id, method === 'POST'),
    });
    app.route({
      method,
      url: '/api/threads/:id/follow',
      schema: {
        operationId: method === 'POST' ? 'followThread' : 'unfollowThread',
        tags,
        summary: method === 'POST' ? 'Follows a thread (status changes of an idea)' : 'Stops following',
        params: Params,
        response: { 200: Type.Object({ following: Type.Boolean() }), ...errors(400, 401, 404) },
      },
      handler: async (req) => ideas.follow(req.actor, req.params.id, method === 'POST'),
    });
  }

  app.put(
    '/api/threads/:id/bug-report',
    {
      schema: {
        operationId: 'setBugReport',
        tags,
        summary: 'Tags a question or discussion as a product problem, or untags it (its author or a moderator)',
        params: Params,
        body: Type.Object({ bugReport: Type.Boolean() }),
        response: { 200: Type.Object({ bugReport: Type.Boolean() }), ...errors(400, 401, 403, 404, 422) },
      },
    },
    async (req) => ideas.setBugReport(req.actor, req.params.id, req.body.bugReport),
  );

  app.put(
    '/api/threads/:id/idea-status',
    {
      schema: {
        operationId: 'setIdeaStatus',
        tags,
        summary: 'Sets an idea’s status and public note (community managers); voters and followers are told',
        params: Params,
        body: Type.Object({ status: Status, note: Type.Optional(Type.String({ maxLength: 2000 })) }),
        response: { 200: Panel, ...errors(400, 401, 403, 404, 422) },
      },
    },
    async (req) => ideas.setStatus(req.actor, req.params.id, req.body),
  );
}
