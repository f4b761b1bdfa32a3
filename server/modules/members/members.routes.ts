import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { errors, IdParams } from '../../http/schemas.ts';
import { Me, ProfileResponse, PublicMember, RoleBody, UpdateMeBody } from './members.schemas.ts';
import type { MembersService } from './members.service.ts';

export async function membersRoutes(fastify: FastifyInstance, { members }: { members: MembersService }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/members/:username',
    {
      schema: {
        operationId: 'getProfile',
        tags: ['members'],
        summary: "A member's public profile and recent posts",
        params: Type.Object({ username: Type.String({ maxLength: 200 }) }),
        response: { 200: ProfileResponse, ...errors(404) },
      },
    },
    async (req) => members.profile(req.params.username, req.actor),
  );

  app.patch(
    '/api/me',
    {
      schema: {
        operationId: 'updateMe',
        tags: ['members'],
        summary: 'Change your display name, bio or language',
        body: UpdateMeBody,
        response: { 200: Type.Object({ member: Me }), ...errors(401, 422) },
      },
    },
    async (req) => ({ member: await members.updateMe(req.actor, req.body) }),
  );

  app.post(
    '/api/members/:id/role',
    {
      schema: {
        operationId: 'setMemberRole',
        tags: ['members'],
        summary: "Change a member's role (admins)",
        params: IdParams,
        body: RoleBody,
        response: { 200: Type.Object({ member: PublicMember }), ...errors(401, 403, 404, 422) },
      },
    },
    async (req) => ({ member: await members.setRole(req.actor, req.params.id, req.body.role) }),
  );
}
