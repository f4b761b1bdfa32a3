import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { errors, Nullable } from '../../http/schemas.ts';
import type { HealthService } from './health.service.ts';

const Int = Type.Integer();
const Percent = Type.Number({ description: 'Percent, one decimal' });
const Person = { username: Type.String(), displayName: Type.String(), points: Int };
/** Warning signs of bad buzz: negative posts (by their tone), netiquette rule hits, reports, and their sum. */
const Signs = { signals: Int, negative: Int, flags: Int, reports: Int };

const Health = Type.Object({
  days: Int,
  generatedAt: Type.String({ format: 'date-time' }),
  daily: Type.Array(
    Type.Object({ day: Type.String({ format: 'date' }), posts: Int, threads: Int, members: Int, ...Signs }),
  ),
  members: Type.Object({ total: Int, new7: Int, new30: Int, active7: Int, active30: Int }),
  firstReply: Type.Object({ medianMinutes: Nullable(Type.Number()), threadsAnswered: Int }),
  questions: Type.Object({ total: Int, unanswered: Int, unansweredPercent: Percent }),
  moderation: Type.Object({ open: Int, decided: Int, medianDecisionMinutes: Nullable(Type.Number()) }),
  posts: Type.Object({
    total: Int,
    flagged: Int,
    rejected: Int,
    negative: Int,
    flaggedPercent: Percent,
    rejectedPercent: Percent,
    negativePercent: Percent,
  }),
  topContributors: Type.Array(Type.Object({ ...Person, posts: Int })),
  risingMembers: Type.Array(Type.Object({ ...Person, joinedAt: Type.String({ format: 'date-time' }) })),
  alerts: Type.Object({
    days: Type.Array(Type.Object({ day: Type.String({ format: 'date' }), ...Signs, usual: Type.Number() })),
    threads: Type.Array(
      Type.Object({
        threadId: Int,
        title: Type.String(),
        ...Signs,
        previous: Type.Integer({ description: 'Signs in the two days before' }),
        posts: Int,
      }),
    ),
  }),
});

export async function healthRoutes(fastify: FastifyInstance, { health }: { health: HealthService }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/community/health',
    {
      schema: {
        operationId: 'getCommunityHealth',
        tags: ['community'],
        summary: 'The community’s health over a window of days (community managers)',
        querystring: Type.Object({ days: Type.Optional(Type.Integer({ minimum: 7, maximum: 365 })) }),
        response: { 200: Health, ...errors(400, 401, 403) },
      },
    },
    async (req) => health.health(req.actor, req.query.days ?? 30),
  );
}
