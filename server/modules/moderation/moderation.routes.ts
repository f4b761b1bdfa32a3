import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import {
  Cursor,
  DateTime,
  errors,
  Id,
  IdParams,
  ModerationReasonSchema,
  Nullable,
  ReasonTemplateSchema,
} from '../../http/schemas.ts';
import { HitSchema } from '../netiquette/index.ts';
import type { ModerationService } from './moderation.service.ts';

const Reason = Type.Union(
  ['rule', 'report', 'pre', 'post', 'resubmit', 'appeal'].map((r) => Type.Literal(r)),
) as ReturnType<typeof Type.Union<[ReturnType<typeof Type.Literal<'rule'>>]>>;

const Item = Type.Object({
  id: Type.Integer(),
  reasons: Type.Array(ModerationReasonSchema),
  status: Type.String(),
  priority: Type.Integer(),
  reportCount: Type.Integer(),
  hits: Type.Array(
    Type.Object({
      ...HitSchema.properties,
      ruleName: Nullable(
        Type.Object({ fr: Type.String(), en: Type.String() }, { description: "The rule's name as the UI shows it" }),
      ),
    }),
  ),
  reports: Type.Array(
    Type.Object({
      id: Type.Integer(),
      reason: Type.String({ description: 'A key of the moderation reasons (GET /api/moderation/reasons)' }),
      note: Type.String({ description: "The reporter's own words" }),
      upheld: Nullable(Type.Boolean()),
      createdAt: DateTime,
      reporter: Type.Object({ id: Type.Integer(), username: Type.String(), displayName: Type.String() }),
      reporterRecord: Type.Object(
        { upheld: Type.Integer(), decided: Type.Integer() },
        { description: "How many of the reporter's settled reports moderators upheld" },
      ),
    }),
  ),
  context: Nullable(
    Type.Object(
      {
        id: Type.Integer(),
        number: Type.Integer(),
        state: Type.String(),
        body: Type.String({ description: 'The first 600 characters of its Markdown' }),
        createdAt: DateTime,
        authorUsername: Type.String(),
      },
      { description: 'The post this one replies to, else the thread’s opening post (null for an opening post)' },
    ),
  ),
  createdAt: DateTime,
  ageMinutes: Type.Integer(),
  targetMinutes: Type.Integer(),
  overdue: Type.Boolean(),
  claimedBy: Nullable(Type.Object({ id: Type.Integer(), username: Type.String() })),
  decisionReason: Nullable(Type.String()),
  appealMessage: Nullable(Type.String({ description: "The author's words, when the item is an appeal" })),
  post: Type.Object({
    id: Type.Integer(),
    number: Type.Integer(),
    state: Type.String(),
    body: Type.String(),
    html: Type.String(),
    threadId: Type.Integer(),
    threadTitle: Type.String(),
    categoryId: Type.Integer(),
  }),
  author: Type.Object({
    id: Type.Integer(),
    username: Type.String(),
    trustLevel: Type.Integer(),
    accountAgeDays: Type.Integer(),
    postCount: Type.Integer(),
    pastDecisions: Type.Object({ rejected: Type.Integer(), decided: Type.Integer() }),
  }),
});

const ReasonTemplate = ReasonTemplateSchema;

const Decision = Type.Object({ id: Type.Integer(), status: Type.String(), postState: Type.String() });

export async function moderationRoutes(fastify: FastifyInstance, { moderation }: { moderation: ModerationService }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/moderation/queue',
    {
      schema: {
        operationId: 'getModerationQueue',
        tags: ['moderation'],
        summary: 'The moderation queue, most urgent first (moderators)',
        querystring: Type.Object({
          status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('approved'), Type.Literal('rejected')])),
          reason: Type.Optional(Reason),
          category: Type.Optional(Id),
          cursor: Type.Optional(Cursor),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
        }),
        response: {
          200: Type.Object({ items: Type.Array(Item), open: Type.Integer(), nextCursor: Nullable(Type.String()) }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) =>
      moderation.queue(req.actor, {
        status: req.query.status,
        reason: req.query.reason as never,
        categoryId: req.query.category,
        cursor: req.query.cursor,
        limit: req.query.limit,
      }),
  );

  app.post(
    '/api/moderation/items/:id/claim',
    {
      schema: {
        operationId: 'claimModerationItem',
        tags: ['moderation'],
        summary: 'Take an item: other moderators see who works on it',
        params: IdParams,
        response: {
          200: Type.Object({
            id: Type.Integer(),
            claimedBy: Type.Object({ id: Type.Integer(), username: Type.String() }),
          }),
          ...errors(401, 403, 404, 409),
        },
      },
    },
    async (req) => moderation.claim(req.actor, req.params.id),
  );

  app.post(
    '/api/moderation/items/:id/approve',
    {
      schema: {
        operationId: 'approveModerationItem',
        tags: ['moderation'],
        summary: 'Approve (with `body`: edit, then approve)',
        params: IdParams,
        body: Type.Object({ body: Type.Optional(Type.String({ maxLength: 1_000_000 })) }),
        response: { 200: Decision, ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (req) => moderation.approve(req.actor, req.params.id, req.body ?? {}),
  );

  app.post(
    '/api/moderation/items/:id/reject',
    {
      schema: {
        operationId: 'rejectModerationItem',
        tags: ['moderation'],
        summary: 'Reject with a reason (a template key) and an optional note the author reads',
        params: IdParams,
        body: Type.Object({
          reason: Type.String({ maxLength: 40 }),
          note: Type.Optional(Type.String({ maxLength: 2000 })),
        }),
        response: { 200: Decision, ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (req) => moderation.reject(req.actor, req.params.id, req.body),
  );

  app.post(
    '/api/moderation/items/bulk',
    {
      schema: {
        operationId: 'decideModerationItems',
        tags: ['moderation'],
        summary: 'Approve or reject several items at once',
        body: Type.Object({
          ids: Type.Array(Id, { minItems: 1, maxItems: 100 }),
          action: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
          reason: Type.Optional(Type.String({ maxLength: 40 })),
          note: Type.Optional(Type.String({ maxLength: 2000 })),
        }),
        response: {
          200: Type.Object({
            results: Type.Array(
              Type.Object({
                id: Type.Integer(),
                ok: Type.Boolean(),
                status: Type.Optional(Type.String()),
                error: Type.Optional(Type.String()),
              }),
            ),
          }),
          ...errors(401, 403, 422),
        },
      },
    },
    async (req) => moderation.bulk(req.actor, req.body),
  );

  app.get(
    '/api/moderation/reasons',
    {
      schema: {
        operationId: 'listReasonTemplates',
        tags: ['moderation'],
        summary: 'Rejection reason templates',
        response: { 200: Type.Object({ reasons: Type.Array(ReasonTemplate) }) },
      },
    },
    async () => ({ reasons: await moderation.reasons() }),
  );

  app.put(
    '/api/moderation/reasons',
    {
      schema: {
        operationId: 'setReasonTemplates',
        tags: ['moderation'],
        summary: 'Replace the rejection reason templates (community managers)',
        body: Type.Object({ reasons: Type.Array(ReasonTemplate, { minItems: 1, maxItems: 30 }) }),
        response: { 200: Type.Object({ reasons: Type.Array(ReasonTemplate) }), ...errors(401, 403, 422) },
      },
    },
    async (req) => ({ reasons: await moderation.setReasons(req.actor, req.body.reasons) }),
  );

  app.post(
    '/api/posts/:id/reports',
    {
      config: {
        rateLimit: {
          max: 20,
          timeWindow: '1 hour',
          keyGenerator: (req: { actor: { id: number } | null; ip: string }) => `report:${req.actor?.id ?? req.ip}`,
        },
      },
      schema: {
        operationId: 'reportPost',
        tags: ['moderation'],
        summary: 'Report a post that breaks the netiquette (once per member and post)',
        params: IdParams,
        body: Type.Object({
          reason: Type.String({ minLength: 1, maxLength: 40 }),
          note: Type.Optional(Type.String({ maxLength: 1000 })),
        }),
        response: {
          201: Type.Object({ reported: Type.Boolean(), itemId: Type.Integer() }),
          ...errors(401, 403, 404, 409, 429),
        },
      },
    },
    async (req, reply) => reply.status(201).send(await moderation.report(req.actor, req.params.id, req.body)),
  );
}
