import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { DateTime, errors } from '../../http/schemas.ts';
import type { IgnoresService } from './ignores.service.ts';

const Ignored = Type.Object({
  ignored: Type.Array(
    Type.Object({ id: Type.Integer(), username: Type.String(), displayName: Type.String(), since: DateTime }),
  ),
});
const Params = Type.Object({ username: Type.String({ minLength: 1, maxLength: 60 }) });

export async function ignoresRoutes(fastify: FastifyInstance, { ignores }: { ignores: IgnoresService }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['members'];

  app.get(
    '/api/me/ignored',
    {
      schema: {
        operationId: 'listIgnored',
        tags,
        summary: 'The members you ignore (their posts collapsed, no notifications or messages from them)',
        response: { 200: Ignored, ...errors(401) },
      },
    },
    async (req) => ignores.list(req.actor),
  );

  for (const method of ['PUT', 'DELETE'] as const) {
    app.route({
      method,
      url: '/api/members/:username/ignore',
      schema: {
        operationId: method === 'PUT' ? 'ignoreMember' : 'unignoreMember',
        tags,
        summary: method === 'PUT' ? 'Ignores a member (not the team)' : 'Stops ignoring a member',
        params: Params,
        response: { 200: Ignored, ...errors(400, 401, 404, 422) },
      },
      handler: async (req) => ignores.set(req.actor, req.params.username, method === 'PUT'),
    });
  }
}
