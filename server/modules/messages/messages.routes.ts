import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../config.ts';
import { ActionSchema, DateTime, errors, Id, Nullable, StringEnum } from '../../http/schemas.ts';
import { HitSchema } from '../netiquette/index.ts';
import type { MessagesService } from './messages.service.ts';

const Person = Type.Object({ username: Type.String(), displayName: Type.String() });
const Participant = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  staff: Type.Boolean(),
});
const Sent = Type.Object({
  conversationId: Type.Integer(),
  message: Type.Object({
    id: Type.Integer(),
    state: StringEnum(['published', 'held']),
    action: ActionSchema,
    hits: Type.Array(HitSchema),
    notices: Type.Array(HitSchema, {
      description: 'Personal data the message carries: it went through, and the sender is told',
    }),
  }),
});
const Body = Type.String({ maxLength: 100_000 });
const Params = Type.Object({ id: Id });
const Before = Type.Object({ before: Type.Optional(Id) });

export async function messagesRoutes(
  fastify: FastifyInstance,
  { messages, config }: { messages: MessagesService; config: Config },
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['messages'];
  const sendingLimit = {
    rateLimit: {
      max: config.rateLimits.posting,
      timeWindow: '1 minute',
      keyGenerator: (req: { actor: { id: number } | null; ip: string }) => `message:${req.actor?.id ?? req.ip}`,
    },
  };

  app.get(
    '/api/conversations',
    {
      schema: {
        operationId: 'listConversations',
        tags,
        summary: 'Your private conversations, newest first, with their unread counts',
        querystring: Before,
        response: {
          200: Type.Object({
            conversations: Type.Array(
              Type.Object({
                id: Type.Integer(),
                subject: Type.String(),
                toStaff: Type.Boolean(),
                lastMessageAt: DateTime,
                cursor: Type.Integer({ description: 'Send as `before` for the next page' }),
                messages: Type.Integer(),
                unread: Type.Integer(),
                muted: Type.Boolean(),
                people: Type.Array(Person),
              }),
            ),
            unread: Type.Integer(),
            more: Type.Boolean(),
          }),
          ...errors(400, 401),
        },
      },
    },
    async (req) => messages.inbox(req.actor, req.query.before),
  );

  app.get(
    '/api/conversations/unread',
    {
      schema: {
        operationId: 'countUnreadMessages',
        tags,
        summary: 'How many private messages you have not read',
        response: { 200: Type.Object({ unread: Type.Integer() }), ...errors(401) },
      },
    },
    async (req) => messages.unread(req.actor),
  );

  app.post(
    '/api/conversations',
    {
      config: sendingLimit,
      schema: {
        operationId: 'startConversation',
        tags,
        summary:
          'Starts a private conversation with members (by username) or with the team; 422 with the text when the netiquette refuses it',
        body: Type.Object({
          recipients: Type.Array(Type.String({ maxLength: 60 }), { maxItems: 50 }),
          toStaff: Type.Optional(Type.Boolean({ description: 'Write to the team (every moderator reads it)' })),
          subject: Type.String({ maxLength: 300 }),
          body: Body,
        }),
        response: { 201: Sent, ...errors(400, 401, 403, 422, 429) },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await messages.start(req.actor, { ...req.body, toStaff: req.body.toStaff ?? false })),
  );

  app.get(
    '/api/conversations/:id',
    {
      schema: {
        operationId: 'getConversation',
        tags,
        summary:
          'A conversation and its messages (after `after`). Participants; staff for the team’s and, audited, for reported ones (403 before a report)',
        params: Params,
        querystring: Type.Object({ after: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647 })) }),
        response: {
          200: Type.Object({
            conversation: Type.Object({
              id: Type.Integer(),
              subject: Type.String(),
              toStaff: Type.Boolean(),
              reported: Type.Boolean(),
              participant: Type.Boolean(),
              muted: Type.Boolean(),
              people: Type.Array(Participant),
            }),
            messages: Type.Array(
              Type.Object({
                id: Type.Integer(),
                html: Type.String({ description: 'Sanitized HTML' }),
                state: StringEnum(['published', 'held', 'rejected']),
                createdAt: DateTime,
                author: Participant,
              }),
            ),
            reports: Type.Array(
              Type.Object({
                reason: Type.String(),
                note: Type.String(),
                by: Nullable(Type.String()),
                createdAt: DateTime,
              }),
            ),
            more: Type.Boolean(),
          }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (req) => messages.get(req.actor, req.params.id, req.query.after),
  );

  app.post(
    '/api/conversations/:id/messages',
    {
      config: sendingLimit,
      schema: {
        operationId: 'replyToConversation',
        tags,
        summary: 'Writes in a conversation you take part in (staff: in a conversation with the team)',
        params: Params,
        body: Type.Object({ body: Body }),
        response: { 201: Sent, ...errors(400, 401, 403, 404, 422, 429) },
      },
    },
    async (req, reply) => reply.status(201).send(await messages.reply(req.actor, req.params.id, req.body.body)),
  );

  app.put(
    '/api/conversations/:id/mute',
    {
      schema: {
        operationId: 'muteConversation',
        tags,
        summary: 'Mutes a conversation (no notifications) or unmutes it',
        params: Params,
        body: Type.Object({ muted: Type.Boolean() }),
        response: { 200: Type.Object({ muted: Type.Boolean(), left: Type.Boolean() }), ...errors(400, 401, 404) },
      },
    },
    async (req) => messages.setMembership(req.actor, req.params.id, { muted: req.body.muted }),
  );

  app.post(
    '/api/conversations/:id/leave',
    {
      schema: {
        operationId: 'leaveConversation',
        tags,
        summary: 'Leaves a conversation: it leaves your inbox and you hear no more of it',
        params: Params,
        response: { 200: Type.Object({ muted: Type.Boolean(), left: Type.Boolean() }), ...errors(400, 401, 404) },
      },
    },
    async (req) => messages.setMembership(req.actor, req.params.id, { left: true }),
  );

  app.post(
    '/api/conversations/:id/reports',
    {
      config: sendingLimit,
      schema: {
        operationId: 'reportConversation',
        tags,
        summary: 'Reports a conversation you take part in: the team may then read it',
        params: Params,
        body: Type.Object({
          reason: StringEnum(['harassment', 'spam', 'threat', 'other']),
          note: Type.Optional(Type.String({ maxLength: 2000 })),
        }),
        response: { 201: Type.Object({ reported: Type.Boolean() }), ...errors(400, 401, 404) },
      },
    },
    async (req, reply) => reply.status(201).send(await messages.report(req.actor, req.params.id, req.body)),
  );

  app.get(
    '/api/moderation/conversations',
    {
      schema: {
        operationId: 'listStaffConversations',
        tags,
        summary: 'Staff: the conversations with the team, or the reported ones',
        querystring: Type.Object({ kind: StringEnum(['team', 'reported']), before: Type.Optional(Id) }),
        response: {
          200: Type.Object({
            conversations: Type.Array(
              Type.Object({
                id: Type.Integer(),
                subject: Type.String(),
                toStaff: Type.Boolean(),
                lastMessageAt: DateTime,
                cursor: Type.Integer({ description: 'Send as `before` for the next page' }),
                messages: Type.Integer(),
                reportedAt: Nullable(DateTime),
                people: Type.Array(Person),
              }),
            ),
            more: Type.Boolean(),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => messages.staffList(req.actor, req.query.kind, req.query.before),
  );

  app.get(
    '/api/moderation/conversation-reports',
    {
      schema: {
        operationId: 'listConversationReports',
        tags,
        summary:
          'Staff: reported conversations waiting in the moderation queue, with their open reports (reason, details, reporter)',
        querystring: Before,
        response: {
          200: Type.Object({
            conversations: Type.Array(
              Type.Object({
                id: Type.Integer(),
                subject: Type.String(),
                toStaff: Type.Boolean(),
                messages: Type.Integer(),
                lastMessageAt: DateTime,
                cursor: Type.Integer({ description: 'Send as `before` for the next page' }),
                people: Type.Array(Person),
                reports: Type.Array(
                  Type.Object({
                    id: Type.Integer(),
                    reason: Type.String({
                      description: 'harassment, spam, threat, other; netiquette for a held message',
                    }),
                    note: Type.String({ description: "The reporter's words (for the netiquette: the rules hit)" }),
                    reporter: Nullable(Person),
                    createdAt: DateTime,
                  }),
                ),
              }),
            ),
            more: Type.Boolean(),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => messages.reportQueue(req.actor, req.query.before),
  );

  app.post(
    '/api/moderation/conversations/:id/settle',
    {
      schema: {
        operationId: 'settleConversationReports',
        tags,
        summary: "Staff: settles a conversation's reports, which takes it out of the queue (audited)",
        params: Params,
        response: { 200: Type.Object({ settled: Type.Boolean() }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => messages.settleReports(req.actor, req.params.id),
  );

  app.post(
    '/api/messages/:id/decision',
    {
      schema: {
        operationId: 'decideHeldMessage',
        tags,
        summary: 'Staff: releases a message the netiquette held, or refuses it (audited)',
        params: Params,
        body: Type.Object({ decision: StringEnum(['release', 'refuse']) }),
        response: {
          200: Type.Object({ state: StringEnum(['published', 'rejected']) }),
          ...errors(400, 401, 403, 404, 409),
        },
      },
    },
    async (req) => messages.decide(req.actor, req.params.id, req.body.decision),
  );
}
