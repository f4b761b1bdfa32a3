import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { DateTime, errors, IdParams, Nullable, StringEnum } from '../../http/schemas.ts';
import type { NewsletterService } from './newsletter.service.ts';

const Audience = StringEnum(['all', 'trust_level', 'category'], {
  description: 'Every opted-in member, those of a trust level and above, or the followers of a category',
});
const Input = Type.Object({
  subject: Type.String({ minLength: 1, maxLength: 200 }),
  body: Type.String({ minLength: 1, maxLength: 100_000, description: 'Markdown' }),
  audience: Audience,
  trustLevel: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 4 }))),
  categoryId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
});
const Newsletter = Type.Object({
  id: Type.Integer(),
  subject: Type.String(),
  body: Type.String(),
  html: Type.String(),
  audience: Audience,
  trustLevel: Nullable(Type.Integer()),
  categoryId: Nullable(Type.Integer()),
  state: StringEnum(['draft', 'scheduled', 'sending', 'sent']),
  sendAt: Nullable(DateTime),
  queuedAt: Nullable(DateTime),
  createdAt: DateTime,
  recipients: Type.Integer({ description: 'Messages queued when it went out' }),
  progress: Type.Object({ pending: Type.Integer(), sent: Type.Integer(), failed: Type.Integer() }),
});

/** Newsletters (community managers): compose, preview, test, schedule, and follow the sending. */
export async function newsletterRoutes(fastify: FastifyInstance, { newsletters }: { newsletters: NewsletterService }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['mail'];

  app.get(
    '/api/newsletters',
    {
      schema: {
        operationId: 'listNewsletters',
        tags,
        summary: 'Newsletters, newest first, with their send progress',
        response: { 200: Type.Object({ newsletters: Type.Array(Newsletter) }), ...errors(401, 403) },
      },
    },
    async (req) => ({ newsletters: await newsletters.list(req.actor) }),
  );

  app.post(
    '/api/newsletters',
    {
      schema: {
        operationId: 'createNewsletter',
        tags,
        summary: 'Writes a newsletter draft',
        body: Input,
        response: { 201: Newsletter, ...errors(401, 403, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await newsletters.create(req.actor, req.body)),
  );

  app.post(
    '/api/newsletters/preview',
    {
      schema: {
        operationId: 'previewNewsletter',
        tags,
        summary: 'The message as members will get it, and how many would get it now',
        body: Input,
        response: {
          200: Type.Object({
            subject: Type.String(),
            html: Type.String(),
            text: Type.String(),
            recipients: Type.Integer(),
          }),
          ...errors(401, 403, 422),
        },
      },
    },
    async (req) => newsletters.preview(req.actor, req.body),
  );

  app.get(
    '/api/newsletters/:id',
    {
      schema: {
        operationId: 'getNewsletter',
        tags,
        summary: 'One newsletter and its send progress',
        params: IdParams,
        response: { 200: Newsletter, ...errors(401, 403, 404) },
      },
    },
    async (req) => newsletters.show(req.actor, req.params.id),
  );

  app.put(
    '/api/newsletters/:id',
    {
      schema: {
        operationId: 'updateNewsletter',
        tags,
        summary: 'Changes a newsletter not yet sent',
        params: IdParams,
        body: Input,
        response: { 200: Newsletter, ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (req) => newsletters.update(req.actor, req.params.id, req.body),
  );

  app.post(
    '/api/newsletters/:id/test',
    {
      schema: {
        operationId: 'testNewsletter',
        tags,
        summary: 'Sends the newsletter to yourself only, marked as a test',
        params: IdParams,
        response: { 202: Type.Object({ to: Type.String() }), ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => reply.status(202).send(await newsletters.test(req.actor, req.params.id)),
  );

  app.post(
    '/api/newsletters/:id/schedule',
    {
      schema: {
        operationId: 'scheduleNewsletter',
        tags,
        summary: 'Sends the newsletter at `sendAt` (now when absent); `sendAt: null` takes it back to a draft',
        params: IdParams,
        body: Type.Object({ sendAt: Type.Optional(Nullable(DateTime)) }),
        response: { 200: Newsletter, ...errors(401, 403, 404, 409) },
      },
    },
    async (req) => {
      const { sendAt } = req.body;
      return newsletters.schedule(
        req.actor,
        req.params.id,
        sendAt === null ? null : sendAt ? new Date(sendAt) : new Date(),
      );
    },
  );
}
