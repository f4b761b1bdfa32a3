import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { authorize } from '../../access/access.ts';
import { seeLevelsOf } from '../../access/visibility.ts';
import { CategoriesRepository } from '../../content/index.ts';
import type { Db } from '../../db/kysely.ts';
import { UnprocessableError } from '../../lib/errors.ts';
import { DateTime, errors, Id } from '../../http/schemas.ts';
import { EMAIL_KINDS, MUTABLE_KINDS, NotificationsRepository } from './notifications.repository.ts';

const PAGE = 30;
/** What a notification points at; which fields are there depends on its kind. */
const NotificationData = Type.Object(
  {
    postId: Type.Optional(Type.Integer()),
    threadId: Type.Optional(Type.Integer()),
    threadTitle: Type.Optional(Type.String()),
    number: Type.Optional(Type.Integer()),
    by: Type.Optional(Type.Object({ username: Type.String(), displayName: Type.String() })),
    badge: Type.Optional(Type.String()),
    badges: Type.Optional(Type.Array(Type.String(), { description: 'Badges granted together (badge.granted)' })),
    level: Type.Optional(Type.Integer()),
    reason: Type.Optional(Type.String()),
    status: Type.Optional(Type.String()),
    note: Type.Optional(Type.String()),
    signals: Type.Optional(Type.Integer()),
    usual: Type.Optional(Type.Number()),
    conversationId: Type.Optional(Type.Integer()),
    subject: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
const Notification = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  data: NotificationData,
  count: Type.Integer({ description: 'How many grouped events (likes on one post) this notification stands for' }),
  read: Type.Boolean(),
  createdAt: DateTime,
});
const Unread = Type.Object({ unread: Type.Integer() });
const Preferences = Type.Object({
  kinds: Type.Array(Type.String(), { description: 'The kinds a member may turn off' }),
  muted: Type.Array(Type.String()),
  emailKinds: Type.Array(Type.String(), {
    description: 'The kinds also sent by e-mail when left unread, which a member may turn off by e-mail',
  }),
  emailMuted: Type.Array(Type.String()),
});

/** The bell: a member's notifications, unread count, marking read, and which kinds they want. */
export async function notificationsRoutes(fastify: FastifyInstance, { db }: { db: Db }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const repo = new NotificationsRepository(db);
  const categories = new CategoriesRepository(db);
  /** Notifications of threads in these categories are not shown nor counted: the member may no longer see them. */
  const hidden = (actor: Parameters<typeof seeLevelsOf>[0]) => categories.idsNotSeenAt(seeLevelsOf(actor));
  const tags = ['notifications'];

  app.get(
    '/api/notifications',
    {
      schema: {
        operationId: 'listNotifications',
        tags,
        summary: 'Your notifications, newest first, with the unread count',
        querystring: Type.Object({ before: Type.Optional(Id) }),
        response: {
          200: Type.Object({
            notifications: Type.Array(Notification),
            unread: Type.Integer(),
            nextBefore: Type.Union([Type.Integer(), Type.Null()]),
          }),
          ...errors(400, 401),
        },
      },
    },
    async (req) => {
      const actor = authorize(req.actor, 'post.reply');
      const hiddenCategoryIds = await hidden(actor);
      const [rows, unread] = await Promise.all([
        repo.list(actor.id, hiddenCategoryIds, PAGE + 1, req.query.before),
        repo.unread(actor.id, hiddenCategoryIds),
      ]);
      const page = rows.slice(0, PAGE);
      return {
        unread,
        nextBefore: rows.length > PAGE ? page.at(-1)!.id : null,
        notifications: page.map((n) => ({
          id: n.id,
          kind: n.kind,
          data: n.data as Static<typeof NotificationData>,
          count: n.count,
          read: n.read_at !== null,
          createdAt: n.created_at.toISOString(),
        })),
      };
    },
  );

  app.get(
    '/api/notifications/unread',
    {
      schema: {
        operationId: 'countUnreadNotifications',
        tags,
        summary: 'What the bell counts: unread notifications that arrived since you last opened it',
        response: { 200: Unread, ...errors(401) },
      },
    },
    async (req) => {
      const actor = authorize(req.actor, 'post.reply');
      return { unread: await repo.unseen(actor.id, await hidden(actor)) };
    },
  );

  app.post(
    '/api/notifications/seen',
    {
      schema: {
        operationId: 'markNotificationsSeen',
        tags,
        summary: 'The bell was opened: its count goes back to zero (the notifications stay unread)',
        response: { 200: Unread, ...errors(401) },
      },
    },
    async (req) => {
      const actor = authorize(req.actor, 'post.reply');
      await repo.markSeen(actor.id);
      return { unread: await repo.unseen(actor.id, await hidden(actor)) };
    },
  );

  app.post(
    '/api/notifications/read',
    {
      schema: {
        operationId: 'markNotificationsRead',
        tags,
        summary: 'Marks notifications read: the ids given, or all of them',
        body: Type.Object({ ids: Type.Optional(Type.Array(Id, { maxItems: 200 })) }),
        response: { 200: Unread, ...errors(401, 422) },
      },
    },
    async (req) => {
      const actor = authorize(req.actor, 'post.reply');
      await repo.markRead(actor.id, req.body.ids);
      return { unread: await repo.unseen(actor.id, await hidden(actor)) };
    },
  );

  app.get(
    '/api/notifications/preferences',
    {
      schema: {
        operationId: 'getNotificationPreferences',
        tags,
        summary: 'Which kinds of notifications you receive',
        response: { 200: Preferences, ...errors(401) },
      },
    },
    async (req) => preferences(authorize(req.actor, 'post.reply').id),
  );

  app.put(
    '/api/notifications/preferences',
    {
      schema: {
        operationId: 'setNotificationPreferences',
        tags,
        summary:
          'Turns kinds of notifications off, in the app or by e-mail (moderation decisions and sanctions always arrive)',
        body: Type.Object({
          muted: Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 }),
          emailMuted: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 })),
        }),
        response: { 200: Preferences, ...errors(401, 422) },
      },
    },
    async (req) => {
      const actor = authorize(req.actor, 'post.reply');
      const unknown = req.body.muted.filter((k) => !(MUTABLE_KINDS as readonly string[]).includes(k));
      if (unknown.length) {
        throw new UnprocessableError(
          'notifications.kind_unknown',
          `These kinds cannot be turned off: ${unknown.join(', ')}`,
          { field: 'muted' },
        );
      }
      const emailUnknown = (req.body.emailMuted ?? []).filter((k) => !(EMAIL_KINDS as readonly string[]).includes(k));
      if (emailUnknown.length) {
        throw new UnprocessableError(
          'notifications.kind_unknown',
          `These kinds cannot be turned off by e-mail: ${emailUnknown.join(', ')}`,
          { field: 'emailMuted' },
        );
      }
      await repo.setMutes(actor.id, [...new Set(req.body.muted)]);
      if (req.body.emailMuted) await repo.setEmailMutes(actor.id, [...new Set(req.body.emailMuted)]);
      return preferences(actor.id);
    },
  );

  async function preferences(memberId: number) {
    const [muted, emailMuted] = await Promise.all([repo.mutes(memberId), repo.emailMutes(memberId)]);
    return { kinds: [...MUTABLE_KINDS], muted, emailKinds: [...EMAIL_KINDS], emailMuted };
  }
}
