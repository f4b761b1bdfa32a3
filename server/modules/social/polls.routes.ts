import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { errors, Id } from '../../http/schemas.ts';
import { perMinute, Poll, PollResults, type SocialLimits } from './social.schemas.ts';
import { POLL_LIMITS, type PollsService } from './polls.service.ts';

export async function pollsRoutes(
  fastify: FastifyInstance,
  { polls, limits }: { polls: PollsService; limits: SocialLimits },
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['social'];
  const params = Type.Object({ id: Id });

  app.post(
    '/api/posts/:id/poll',
    {
      config: perMinute('post', limits.posting),
      schema: {
        operationId: 'createPoll',
        tags,
        summary: "Attach a poll to one's post (one per post)",
        params,
        body: Type.Object({
          question: Type.String({ minLength: 1, maxLength: 300 }),
          options: Type.Array(Type.String({ maxLength: 200 }), {
            minItems: POLL_LIMITS.minOptions,
            maxItems: POLL_LIMITS.maxOptions,
          }),
          multiple: Type.Optional(Type.Boolean()),
          results: Type.Optional(PollResults),
          closesAt: Type.Optional(Type.String({ format: 'date-time' })),
        }),
        response: { 201: Poll, ...errors(400, 401, 403, 404, 409, 422, 429) },
      },
    },
    async (req, reply) => {
      const { closesAt, ...rest } = req.body;
      const poll = await polls.create(req.actor, req.params.id, {
        ...rest,
        multiple: rest.multiple ?? false,
        results: rest.results ?? 'always',
        closesAt: closesAt ? new Date(closesAt) : null,
      });
      return reply.code(201).send(poll);
    },
  );

  app.get(
    '/api/polls/:id',
    {
      schema: {
        operationId: 'getPoll',
        tags,
        summary: 'A poll, with its results when the reader may see them',
        params,
        response: { 200: Poll, ...errors(400, 404) },
      },
    },
    async (req) => polls.get(req.actor, req.params.id),
  );

  app.put(
    '/api/polls/:id/vote',
    {
      config: perMinute('react', limits.reacting),
      schema: {
        operationId: 'votePoll',
        tags,
        summary: "Cast or change one's vote (an empty list withdraws it); 409 once the poll is closed",
        params,
        body: Type.Object({ optionIds: Type.Array(Id, { maxItems: POLL_LIMITS.maxOptions }) }),
        response: { 200: Poll, ...errors(400, 401, 403, 404, 409, 422, 429) },
      },
    },
    async (req) => polls.vote(req.actor, req.params.id, req.body.optionIds),
  );

  app.post(
    '/api/polls/:id/close',
    {
      schema: {
        operationId: 'closePoll',
        tags,
        summary: 'Close a poll now (its author, or a moderator: audited)',
        params,
        response: { 200: Poll, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => polls.close(req.actor, req.params.id),
  );
}
