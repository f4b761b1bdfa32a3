import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { BadgeTierSchema, errors, Id, Nullable, RoleSchema } from '../../http/schemas.ts';
import type { MemberManagementService } from './management.service.ts';

/** What a member's line and record both show. */
const Common = {
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  email: Type.String(),
  role: RoleSchema,
  trustLevel: Type.Integer(),
  reputation: Type.Integer(),
  posts: Type.Integer(),
  joinedAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Nullable(Type.String({ format: 'date-time' })),
};
const Row = Type.Object({ ...Common, status: Type.String({ description: 'active, suspended or banned' }) });
const Params = Type.Object({ id: Id });

/** Community managers' member tools (routes under /api/manage: staff only, every one refused to others). */
export async function managementRoutes(
  fastify: FastifyInstance,
  { management }: { management: MemberManagementService },
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['members'];

  app.get(
    '/api/manage/members',
    {
      schema: {
        operationId: 'searchManagedMembers',
        tags,
        summary: 'Finds members by name or e-mail (community managers)',
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 100 })),
          role: Type.Optional(
            Type.Union([
              Type.Literal('member'),
              Type.Literal('moderator'),
              Type.Literal('community_manager'),
              Type.Literal('admin'),
            ]),
          ),
          offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
        }),
        response: {
          200: Type.Object({ members: Type.Array(Row), nextOffset: Nullable(Type.Integer()) }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) =>
      management.search(req.actor, { q: req.query.q, role: req.query.role, offset: req.query.offset ?? 0 }),
  );

  app.get(
    '/api/manage/members/:id',
    {
      schema: {
        operationId: 'getMemberRecord',
        tags,
        summary: 'A member’s record: activity, trust, warnings, badges and history (community managers)',
        params: Params,
        response: {
          200: Type.Object({
            ...Common,
            trustGranted: Type.Boolean(),
            suspendedUntil: Nullable(Type.String()),
            bannedAt: Nullable(Type.String()),
            activity: Type.Object({
              posts30: Type.Integer(),
              threads30: Type.Integer(),
              reportsMade: Type.Integer(),
              reportsUpheldAgainst: Type.Integer(),
              rejectedPosts: Type.Integer(),
            }),
            recentPosts: Type.Array(
              Type.Object({
                id: Type.Integer(),
                number: Type.Integer(),
                state: Type.String(),
                createdAt: Type.String(),
                threadId: Type.Integer(),
                threadTitle: Type.String(),
              }),
            ),
            warnings: Type.Array(
              Type.Object({
                reason: Type.String(),
                note: Type.String(),
                expiresAt: Type.String(),
                createdAt: Type.String(),
              }),
            ),
            badges: Type.Array(
              Type.Object({
                key: Type.String(),
                tier: BadgeTierSchema,
                name: Type.Object({ fr: Type.String(), en: Type.String() }),
                awardedAt: Type.String(),
              }),
            ),
            history: Type.Array(Type.Object({ action: Type.String(), at: Type.String(), data: Type.Unknown() })),
          }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (req) => management.detail(req.actor, req.params.id),
  );

  app.get(
    '/api/manage/members/:id/export',
    {
      schema: {
        operationId: 'exportMemberData',
        tags,
        summary: 'Everything held about a member, as JSON (GDPR access; community managers)',
        params: Params,
        response: { ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const data = await management.export(req.actor, req.params.id);
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="member-${req.params.id}.json"`)
        .send(JSON.stringify(data, null, 2));
    },
  );

  app.post(
    '/api/manage/members/:id/anonymise',
    {
      schema: {
        operationId: 'anonymiseMember',
        tags,
        summary: 'Anonymises an account on request (GDPR erasure): posts stay, under a former member’s name',
        params: Params,
        response: {
          200: Type.Object({ id: Type.Integer(), username: Type.String() }),
          ...errors(400, 401, 403, 404, 422),
        },
      },
    },
    async (req) => management.anonymise(req.actor, req.params.id),
  );
}
