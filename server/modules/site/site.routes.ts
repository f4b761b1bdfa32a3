import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/kysely.ts';
import { DatabaseProbe, SiteSettingsRepository } from './site.repository.ts';

const Site = Type.Object({
  name: Type.String(),
  tagline: Type.String(),
  defaultLocale: Type.String(),
  limits: Type.Object({
    titleMin: Type.Integer(),
    titleMax: Type.Integer(),
    bodyMin: Type.Integer(),
    bodyMax: Type.Integer(),
    pageSize: Type.Integer(),
  }),
});

export async function siteRoutes(fastify: FastifyInstance, { config, db }: { config: Config; db: Db }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const settings = new SiteSettingsRepository(db);
  const database = new DatabaseProbe(db);

  app.get(
    '/api/site',
    {
      schema: {
        operationId: 'getSite',
        tags: ['site'],
        summary: "The community's name and the limits the composer enforces",
        response: { 200: Site },
      },
    },
    async () => {
      const all = await settings.getAll();
      const { requestBytes: _, ...limits } = config.limits;
      return {
        name: typeof all.name === 'string' ? all.name : 'Agora',
        tagline: typeof all.tagline === 'string' ? all.tagline : '',
        defaultLocale: all.defaultLocale === 'en' ? 'en' : 'fr',
        limits,
      };
    },
  );

  app.get(
    '/healthz',
    {
      schema: {
        operationId: 'healthz',
        tags: ['site'],
        summary: 'Liveness and database check',
        response: {
          200: Type.Object({ status: Type.String(), database: Type.String() }),
          503: Type.Object({ status: Type.String(), database: Type.String() }),
        },
      },
    },
    async (_req, reply) => {
      try {
        await database.ping();
        return { status: 'ok', database: 'ok' };
      } catch {
        return reply.status(503).send({ status: 'degraded', database: 'unreachable' });
      }
    },
  );
}
