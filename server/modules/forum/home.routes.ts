import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { errors, Id, Nullable, ThreadCardFields, ThreadKindSchema } from '../../http/schemas.ts';
import type { HomeService } from './home.service.ts';

const Item = Type.Object({
  ...ThreadCardFields,
  kind: ThreadKindSchema,
  official: Type.Boolean(),
  replyCount: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
});

/** The home page: featured threads and the current announcement (home.service.ts). */
export async function homeRoutes(fastify: FastifyInstance, { home }: { home: HomeService }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/home',
    {
      schema: {
        operationId: 'getHome',
        tags: ['forum'],
        summary: 'Featured threads and the current announcement for the home page',
        response: { 200: Type.Object({ featured: Type.Array(Item), announcement: Nullable(Item) }) },
      },
    },
    async (req) => home.get(req.actor),
  );

  app.post(
    '/api/threads/:id/dismiss',
    {
      schema: {
        operationId: 'dismissAnnouncement',
        tags: ['forum'],
        summary: 'Hides an announcement from your home page',
        params: Type.Object({ id: Id }),
        response: { 200: Type.Object({ dismissed: Type.Boolean() }), ...errors(400, 401, 404) },
      },
    },
    async (req) => home.dismiss(req.actor, req.params.id),
  );
}
