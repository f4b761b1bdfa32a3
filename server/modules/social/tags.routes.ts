import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { errors, Id, Ok } from '../../http/schemas.ts';
import { perMinute, type SocialLimits, Tag, TagName } from './social.schemas.ts';
import type { TagsService } from './tags.service.ts';

export async function tagsRoutes(
  fastify: FastifyInstance,
  { tags: service, limits }: { tags: TagsService; limits: SocialLimits },
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['social'];
  const params = Type.Object({ name: TagName });
  const Description = Type.String({ maxLength: 300 });

  app.get(
    '/api/tags',
    {
      schema: {
        operationId: 'listTags',
        tags,
        summary: 'Every tag, most used first',
        response: { 200: Type.Object({ tags: Type.Array(Tag) }) },
      },
    },
    async (req) => service.list(req.actor),
  );

  app.get(
    '/api/tags/:name',
    {
      schema: {
        operationId: 'getTag',
        tags,
        summary: 'One tag (its threads: GET /api/threads?tag=)',
        params,
        response: { 200: Tag, ...errors(400, 404, 422) },
      },
    },
    async (req) => service.get(req.params.name, req.actor),
  );

  app.post(
    '/api/tags',
    {
      config: perMinute('post', limits.posting),
      schema: {
        operationId: 'createTag',
        tags,
        summary: 'Create a tag (staff, and members from the trust level the settings name)',
        body: Type.Object({ name: TagName, description: Type.Optional(Description) }),
        response: { 201: Tag, ...errors(401, 403, 409, 422, 429) },
      },
    },
    async (req, reply) => reply.code(201).send(await service.create(req.actor, req.body)),
  );

  app.patch(
    '/api/tags/:name',
    {
      schema: {
        operationId: 'updateTag',
        tags,
        summary: 'Rename a tag or change its description (moderators; audited)',
        params,
        body: Type.Object({ name: Type.Optional(TagName), description: Type.Optional(Description) }),
        response: { 200: Tag, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req) => service.update(req.actor, req.params.name, req.body),
  );

  app.post(
    '/api/tags/:name/merge',
    {
      schema: {
        operationId: 'mergeTag',
        tags,
        summary: "Move a tag's threads to another tag and delete it (moderators; audited)",
        params,
        body: Type.Object({ into: TagName }),
        response: { 200: Tag, ...errors(400, 401, 403, 404, 422) },
      },
    },
    async (req) => service.merge(req.actor, req.params.name, req.body.into),
  );

  app.delete(
    '/api/tags/:name',
    {
      schema: {
        operationId: 'deleteTag',
        tags,
        summary: 'Delete a tag from every thread (moderators; audited)',
        params,
        response: { 200: Ok, ...errors(400, 401, 403, 404, 422) },
      },
    },
    async (req) => service.delete(req.actor, req.params.name),
  );

  app.put(
    '/api/threads/:id/tags',
    {
      config: perMinute('post', limits.posting),
      schema: {
        operationId: 'setThreadTags',
        tags,
        summary: "Set a thread's tags (its author or a moderator); a missing tag is created if the member may",
        params: Type.Object({ id: Id }),
        body: Type.Object({ tags: Type.Array(TagName, { maxItems: 10 }) }),
        response: {
          200: Type.Object({ tags: Type.Array(Type.String()) }),
          ...errors(400, 401, 403, 404, 422, 429),
        },
      },
    },
    async (req) => service.setThreadTags(req.actor, req.params.id, req.body.tags),
  );
}
