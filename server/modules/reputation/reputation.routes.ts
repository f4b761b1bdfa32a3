import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { BadgeTierSchema, DateTime, errors, Id, IdParams, Nullable } from '../../http/schemas.ts';
import { STATS } from './badges.ts';
import type { RecognitionService } from './recognition.service.ts';

const Names = Type.Object({ fr: Type.String(), en: Type.String() });
const Tier = Type.Union([Type.Literal('bronze'), Type.Literal('silver'), Type.Literal('gold')]);
const Badge = Type.Object({
  key: Type.String(),
  tier: BadgeTierSchema,
  manual: Type.Boolean(),
  criteria: Nullable(Type.Object({ stat: Type.String(), min: Type.Integer() })),
  name: Names,
  description: Names,
  holders: Type.Integer(),
  rarity: Type.Number({ description: 'Share of members holding it' }),
});
const Requirement = Type.Object({
  key: Type.String(),
  current: Type.Number(),
  needed: Type.Number(),
  met: Type.Boolean(),
});
const Settings = Type.Object({
  points: Type.Object({
    reply: Type.Integer(),
    like: Type.Integer(),
    helpful: Type.Integer(),
    accepted: Type.Integer(),
    featured: Type.Integer(),
    rejected: Type.Integer(),
    removedAfterReports: Type.Integer(),
  }),
  replyDailyCap: Type.Integer({ minimum: 0 }),
  trust: Type.Array(
    Type.Object({
      reputation: Type.Integer({ minimum: 0 }),
      accountAgeDays: Type.Integer({ minimum: 0 }),
      approvedPosts: Type.Integer({ minimum: 0 }),
      cleanDays: Type.Integer({ minimum: 0 }),
    }),
    { minItems: 3, maxItems: 3 },
  ),
});

export async function reputationRoutes(fastify: FastifyInstance, { recognition }: { recognition: RecognitionService }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['reputation'];

  app.get(
    '/api/members/:username/reputation',
    {
      schema: {
        operationId: 'getMemberReputation',
        tags,
        summary: "A member's reputation, trust level with what the next one needs, badges, and ledger",
        params: Type.Object({ username: Type.String({ maxLength: 200 }) }),
        querystring: Type.Object({
          before: Type.Optional(Type.Integer({ minimum: 1 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
        }),
        response: {
          200: Type.Object({
            reputation: Type.Integer(),
            trust: Type.Object({
              level: Type.Integer(),
              next: Nullable(Type.Object({ level: Type.Integer(), requirements: Type.Array(Requirement) })),
              cappedBy: Nullable(Type.String()),
            }),
            badges: Type.Array(
              Type.Object({
                key: Type.String(),
                tier: BadgeTierSchema,
                name: Names,
                description: Names,
                reason: Type.String(),
                grantedAt: DateTime,
              }),
            ),
            ledger: Type.Array(
              Type.Object({
                id: Type.Integer(),
                kind: Type.String(),
                points: Type.Integer(),
                createdAt: DateTime,
                threadId: Nullable(Type.Integer()),
                threadTitle: Nullable(Type.String()),
                postNumber: Nullable(Type.Integer()),
              }),
            ),
            nextBefore: Nullable(Type.Integer()),
          }),
          ...errors(400, 404),
        },
      },
    },
    async (req) => recognition.memberReputation(req.actor, req.params.username, req.query),
  );

  app.get(
    '/api/badges',
    {
      schema: {
        operationId: 'listBadges',
        tags,
        summary: 'Every badge with how many members hold it',
        response: { 200: Type.Object({ badges: Type.Array(Badge) }) },
      },
    },
    async () => ({
      badges: await recognition.badges(),
    }),
  );

  app.get(
    '/api/badges/:key',
    {
      schema: {
        operationId: 'getBadge',
        tags,
        summary: 'A badge and who holds it',
        params: Type.Object({ key: Type.String({ maxLength: 60 }) }),
        response: {
          200: Type.Object({
            badge: Badge,
            holders: Type.Array(
              Type.Object({
                id: Type.Integer(),
                username: Type.String(),
                displayName: Type.String(),
                grantedAt: DateTime,
                reason: Type.String(),
              }),
            ),
          }),
          ...errors(404),
        },
      },
    },
    async (req) => recognition.badge(req.params.key),
  );

  app.post(
    '/api/badges',
    {
      schema: {
        operationId: 'createBadge',
        tags,
        summary: 'Define a badge (community managers); an automatic one is granted at once to everyone who meets it',
        body: Type.Object({
          key: Type.String({ pattern: '^[a-z0-9_]{2,40}$' }),
          tier: Tier,
          criteria: Type.Optional(
            Type.Object({
              stat: Type.String({ description: `One of: ${Object.keys(STATS).join(', ')}` }),
              min: Type.Integer({ minimum: 1 }),
            }),
          ),
          nameFr: Type.String({ minLength: 1, maxLength: 80 }),
          nameEn: Type.String({ minLength: 1, maxLength: 80 }),
          descriptionFr: Type.Optional(Type.String({ maxLength: 300 })),
          descriptionEn: Type.Optional(Type.String({ maxLength: 300 })),
        }),
        response: { 201: Type.Object({ key: Type.String(), granted: Type.Integer() }), ...errors(401, 403, 409, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await recognition.createBadge(req.actor, req.body)),
  );

  app.post(
    '/api/members/:id/badges',
    {
      schema: {
        operationId: 'awardBadge',
        tags,
        summary: 'Award a manual badge to a member, with a reason (community managers)',
        params: IdParams,
        body: Type.Object({
          badge: Type.String({ maxLength: 60 }),
          reason: Type.String({ minLength: 1, maxLength: 300 }),
        }),
        response: {
          201: Type.Object({ badge: Type.String(), granted: Type.Boolean() }),
          ...errors(401, 403, 404, 409, 422),
        },
      },
    },
    async (req, reply) => reply.status(201).send(await recognition.award(req.actor, req.params.id, req.body)),
  );

  app.post(
    '/api/members/:id/trust',
    {
      schema: {
        operationId: 'grantTrust',
        tags,
        summary: 'Grant or withdraw trust level 4, the relay level (community managers)',
        params: IdParams,
        body: Type.Object({ granted: Type.Boolean() }),
        response: {
          200: Type.Object({ id: Type.Integer(), trustLevel: Type.Integer(), granted: Type.Boolean() }),
          ...errors(401, 403, 404),
        },
      },
    },
    async (req) => recognition.grantTrust(req.actor, req.params.id, req.body.granted),
  );

  app.get(
    '/api/leaderboard',
    {
      schema: {
        operationId: 'getLeaderboard',
        tags,
        summary:
          'Members by reputation earned over a period, optionally in one category, counting only what was earned in categories you may see',
        querystring: Type.Object({
          period: Type.Optional(Type.Union([Type.Literal('week'), Type.Literal('month'), Type.Literal('all')])),
          category: Type.Optional(Id),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
        }),
        response: {
          200: Type.Object({
            leaders: Type.Array(
              Type.Object({
                rank: Type.Integer(),
                id: Type.Integer(),
                username: Type.String(),
                displayName: Type.String(),
                avatar: Type.Optional(Nullable(Type.String())),
                trustLevel: Type.Integer(),
                points: Type.Integer(),
              }),
            ),
          }),
          ...errors(400, 404),
        },
      },
    },
    async (req) => ({
      leaders: await recognition.leaderboard(req.actor, {
        period: req.query.period ?? 'all',
        categoryId: req.query.category,
        limit: req.query.limit,
      }),
    }),
  );

  app.post(
    '/api/threads/:id/feature',
    {
      schema: {
        operationId: 'featureThread',
        tags,
        summary: 'Feature a thread on the home page (community managers); its author earns points',
        params: IdParams,
        body: Type.Object({ featured: Type.Boolean() }),
        response: { 200: Type.Object({ id: Type.Integer(), featured: Type.Boolean() }), ...errors(401, 403, 404) },
      },
    },
    async (req) => recognition.feature(req.actor, req.params.id, req.body.featured),
  );

  app.get(
    '/api/reputation/settings',
    {
      schema: {
        operationId: 'getReputationSettings',
        tags,
        summary: 'Points and trust thresholds (moderators read)',
        response: { 200: Settings, ...errors(401, 403) },
      },
    },
    async (req) => recognition.settingsFor(req.actor),
  );

  app.put(
    '/api/reputation/settings',
    {
      schema: {
        operationId: 'setReputationSettings',
        tags,
        summary: 'Change points and trust thresholds (community managers)',
        body: Type.Partial(Settings),
        response: { 200: Settings, ...errors(401, 403, 422) },
      },
    },
    async (req) => recognition.updateSettings(req.actor, req.body),
  );
}
