import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { errors, Id, LocaleSchema, ThreadKindSchema } from '../../http/schemas.ts';
import type { TemplatesService } from './templates.service.ts';

const Kind = Type.Union([
  Type.Literal('discussion'),
  Type.Literal('question'),
  Type.Literal('tip'),
  Type.Literal('idea'),
  Type.Literal('announcement'),
]);
const Locale = Type.Union([Type.Literal('fr'), Type.Literal('en')]);
const Template = Type.Object({
  id: Type.Integer(),
  locale: LocaleSchema,
  name: Type.String(),
  kind: ThreadKindSchema,
  title: Type.String(),
  body: Type.String(),
  builtIn: Type.Boolean(),
});
const Input = Type.Object({
  locale: Locale,
  name: Type.String({ minLength: 1, maxLength: 80 }),
  kind: Kind,
  title: Type.String({ minLength: 1, maxLength: 200 }),
  body: Type.String({ minLength: 1, maxLength: 30000 }),
});

/** The library of topic templates community managers start new threads from (issue 7). */
export async function templatesRoutes(fastify: FastifyInstance, { templates }: { templates: TemplatesService }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['seeding'];

  app.get(
    '/api/topic-templates',
    {
      schema: {
        operationId: 'listTopicTemplates',
        tags,
        summary: 'Topic templates, in one language or all (community managers)',
        querystring: Type.Object({ locale: Type.Optional(Locale) }),
        response: { 200: Type.Object({ templates: Type.Array(Template) }), ...errors(400, 401, 403) },
      },
    },
    async (req) => templates.list(req.actor, req.query.locale),
  );

  app.post(
    '/api/topic-templates',
    {
      schema: {
        operationId: 'createTopicTemplate',
        tags,
        summary: 'Adds a template (community managers)',
        body: Input,
        response: { 201: Template, ...errors(401, 403, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await templates.create(req.actor, req.body)),
  );

  app.put(
    '/api/topic-templates/:id',
    {
      schema: {
        operationId: 'updateTopicTemplate',
        tags,
        summary: 'Changes a template (community managers)',
        params: Type.Object({ id: Id }),
        body: Input,
        response: { 200: Template, ...errors(400, 401, 403, 404, 422) },
      },
    },
    async (req) => templates.update(req.actor, req.params.id, req.body),
  );

  app.delete(
    '/api/topic-templates/:id',
    {
      schema: {
        operationId: 'deleteTopicTemplate',
        tags,
        summary: 'Removes a template (community managers; built-in ones stay)',
        params: Type.Object({ id: Id }),
        response: { 200: Type.Object({ ok: Type.Boolean() }), ...errors(400, 401, 403, 404, 422) },
      },
    },
    async (req) => templates.remove(req.actor, req.params.id),
  );
}
