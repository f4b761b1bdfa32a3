import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { authorize } from '../../access/access.ts';
import type { Db } from '../../db/kysely.ts';
import type { Locale, ThreadKind } from '../../db/types.ts';
import { NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import { errors, Id, LocaleSchema, ThreadKindSchema } from '../../http/schemas.ts';

const Kind = Type.Union([Type.Literal('discussion'), Type.Literal('question'), Type.Literal('tip'), Type.Literal('idea'), Type.Literal('announcement')]);
const Locale = Type.Union([Type.Literal('fr'), Type.Literal('en')]);
const Template = Type.Object({ id: Type.Integer(), locale: LocaleSchema, name: Type.String(), kind: ThreadKindSchema, title: Type.String(), body: Type.String(), builtIn: Type.Boolean() });
const Input = Type.Object({
  locale: Locale,
  name: Type.String({ minLength: 1, maxLength: 80 }),
  kind: Kind,
  title: Type.String({ minLength: 1, maxLength: 200 }),
  body: Type.String({ minLength: 1, maxLength: 30000 }),
});

/** The library of topic templates community managers start new threads from (issue 7). */
export async function templatesRoutes(fastify: FastifyInstance, { db }: { db: Db }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['seeding'];
  const toTemplate = (r: { id: number; locale: Locale; name: string; kind: string; title: string; body: string; built_in: boolean }) => ({
    id: r.id,
    locale: r.locale,
    name: r.name,
    kind: r.kind as ThreadKind, // no CHECK on this column: the routes only write ThreadKind values
    title: r.title,
    body: r.body,
    builtIn: r.built_in,
  });

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
    async (req) => {
      authorize(req.actor, 'templates.manage');
      let q = db.selectFrom('topic_templates').select(['id', 'locale', 'name', 'kind', 'title', 'body', 'built_in']);
      if (req.query.locale) q = q.where('locale', '=', req.query.locale);
      return { templates: (await q.orderBy('built_in', 'desc').orderBy('name').execute()).map(toTemplate) };
    },
  );

  app.post(
    '/api/topic-templates',
    { schema: { operationId: 'createTopicTemplate', tags, summary: 'Adds a template (community managers)', body: Input, response: { 201: Template, ...errors(401, 403, 422) } } },
    async (req, reply) => {
      const actor = authorize(req.actor, 'templates.manage');
      const row = await db
        .insertInto('topic_templates')
        .values({ ...req.body, created_by: actor.id })
        .returning(['id', 'locale', 'name', 'kind', 'title', 'body', 'built_in'])
        .executeTakeFirstOrThrow();
      return reply.status(201).send(toTemplate(row));
    },
  );

  app.put(
    '/api/topic-templates/:id',
    { schema: { operationId: 'updateTopicTemplate', tags, summary: 'Changes a template (community managers)', params: Type.Object({ id: Id }), body: Input, response: { 200: Template, ...errors(400, 401, 403, 404, 422) } } },
    async (req) => {
      authorize(req.actor, 'templates.manage');
      const row = await db
        .updateTable('topic_templates')
        .set({ ...req.body, updated_at: new Date() })
        .where('id', '=', req.params.id)
        .returning(['id', 'locale', 'name', 'kind', 'title', 'body', 'built_in'])
        .executeTakeFirst();
      if (!row) throw new NotFoundError('template.not_found', 'No such template.');
      return toTemplate(row);
    },
  );

  app.delete(
    '/api/topic-templates/:id',
    { schema: { operationId: 'deleteTopicTemplate', tags, summary: 'Removes a template (community managers; built-in ones stay)', params: Type.Object({ id: Id }), response: { 200: Type.Object({ ok: Type.Boolean() }), ...errors(400, 401, 403, 404, 422) } } },
    async (req) => {
      authorize(req.actor, 'templates.manage');
      const row = await db.selectFrom('topic_templates').select('built_in').where('id', '=', req.params.id).executeTakeFirst();
      if (!row) throw new NotFoundError('template.not_found', 'No such template.');
      if (row.built_in) throw new UnprocessableError('template.built_in', 'Built-in templates can be changed, not removed.');
      await db.deleteFrom('topic_templates').where('id', '=', req.params.id).execute();
      return { ok: true };
    },
  );
}
