import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../config.ts';
import { DateTime, errors, Id, Nullable, StringEnum } from '../../http/schemas.ts';
import { publicBase } from '../pages/index.ts';
import type { InvitationsService } from './invitations.service.ts';

const Invitation = Type.Object({
  id: Type.Integer(),
  email: Nullable(Type.String()),
  inviter: Type.String(),
  maxUses: Type.Integer(),
  uses: Type.Integer(),
  expiresAt: DateTime,
  createdAt: DateTime,
  state: StringEnum(['open', 'used', 'expired', 'revoked']),
  joined: Type.Array(Type.Object({ username: Type.String(), joinedAt: DateTime })),
});

export async function invitationsRoutes(
  fastify: FastifyInstance,
  { invitations, config }: { invitations: InvitationsService; config: Config },
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['invitations'];

  app.post(
    '/api/invitations',
    {
      config: {
        rateLimit: {
          max: 20,
          timeWindow: '1 hour',
          keyGenerator: (req: { actor: { id: number } | null; ip: string }) => `invite:${req.actor?.id ?? req.ip}`,
        },
      },
      schema: {
        operationId: 'createInvitation',
        tags,
        summary:
          'Creates an invitation link, or sends it to an address; limited per day by trust level (none at level 0)',
        body: Type.Object({
          email: Type.Optional(Type.String({ maxLength: 320 })),
          maxUses: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
          expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 })),
        }),
        response: {
          201: Type.Object({
            id: Type.Integer(),
            url: Type.String({ description: 'The link to share; shown once (only its hash is kept)' }),
            expiresAt: DateTime,
            maxUses: Type.Integer(),
            email: Nullable(Type.String()),
          }),
          ...errors(401, 403, 422, 429),
        },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await invitations.create(req.actor, req.body, publicBase(config, req))),
  );

  app.get(
    '/api/invitations',
    {
      schema: {
        operationId: 'listMyInvitations',
        tags,
        summary: 'Your invitations, who joined through them, and how many you may still send today',
        response: {
          200: Type.Object({
            invitations: Type.Array(Invitation),
            allowance: Nullable(Type.Object({ perDay: Type.Integer(), left: Type.Integer() })),
          }),
          ...errors(401),
        },
      },
    },
    async (req) => invitations.mine(req.actor),
  );

  app.get(
    '/api/admin/invitations',
    {
      schema: {
        operationId: 'listAllInvitations',
        tags,
        summary: 'Admins: every invitation, who sent it and who joined through it',
        querystring: Type.Object({ before: Type.Optional(Id) }),
        response: {
          200: Type.Object({ invitations: Type.Array(Invitation), more: Type.Boolean() }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => invitations.all(req.actor, req.query.before),
  );

  app.delete(
    '/api/invitations/:id',
    {
      schema: {
        operationId: 'revokeInvitation',
        tags,
        summary: 'Revokes an invitation (its inviter, or an admin: audited)',
        params: Type.Object({ id: Id }),
        response: { 200: Type.Object({ revoked: Type.Boolean() }), ...errors(400, 401, 404) },
      },
    },
    async (req) => invitations.revoke(req.actor, req.params.id),
  );

  app.get(
    '/api/invitations/check',
    {
      schema: {
        operationId: 'checkInvitation',
        tags,
        summary: 'Who an invitation link comes from, if it still works (422 unknown, 410 used or expired)',
        querystring: Type.Object({ token: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: {
          200: Type.Object({
            inviter: Type.Object({ username: Type.String(), displayName: Type.String() }),
            email: Nullable(Type.String()),
          }),
          ...errors(400, 410, 422),
        },
      },
    },
    async (req) => invitations.check(req.query.token),
  );
}
