import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { authorize } from '../../access/access.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/kysely.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { DateTime, errors, Id, IdParams, Nullable, StringEnum } from '../../http/schemas.ts';
import type { MailSettingsStore } from './mail.settings.ts';
import { MailOutboxRepository } from './outbox.repository.ts';

const PAGE = 50;
const Status = StringEnum(['pending', 'sent', 'logged', 'failed']);
const MailSummary = Type.Object({
  id: Type.Integer(),
  memberId: Nullable(Type.Integer()),
  kind: Type.String(),
  to: Type.String(),
  subject: Type.String(),
  status: Status,
  attempts: Type.Integer(),
  lastError: Nullable(Type.String()),
  createdAt: DateTime,
  sentAt: Nullable(DateTime),
});
const Settings = Type.Object({
  verificationRequired: Type.Boolean({ description: 'Members confirm their address before they post' }),
  notificationDelayMinutes: Type.Integer({
    minimum: 0,
    maximum: 10_080,
    description: 'A notification still unread after this delay is sent by e-mail',
  }),
});

/** The outgoing mail (administrators) and the community's mail settings (community managers). */
export async function mailRoutes(
  fastify: FastifyInstance,
  { db, config, settings }: { db: Db; config: Config; settings: MailSettingsStore },
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const outbox = new MailOutboxRepository(db);
  const tags = ['mail'];

  app.get(
    '/api/mail/outbox',
    {
      schema: {
        operationId: 'listOutgoingMail',
        tags,
        summary: 'The outgoing mail, newest first, with counts by status (administrators)',
        querystring: Type.Object({ before: Type.Optional(Id), status: Type.Optional(Status) }),
        response: {
          200: Type.Object({
            smtp: Type.Boolean({ description: 'False: no SMTP_URL, messages are logged instead of sent' }),
            counts: Type.Record(Type.String(), Type.Integer()),
            mails: Type.Array(MailSummary),
            nextBefore: Nullable(Type.Integer()),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      authorize(req.actor, 'mail.outbox');
      const [rows, counts] = await Promise.all([
        outbox.list({ limit: PAGE + 1, before: req.query.before, status: req.query.status }),
        outbox.counts(),
      ]);
      const page = rows.slice(0, PAGE);
      return {
        smtp: config.mail.smtpUrl !== undefined,
        counts,
        nextBefore: rows.length > PAGE ? page.at(-1)!.id : null,
        mails: page.map((m) => ({
          id: m.id,
          memberId: m.member_id,
          kind: m.kind,
          to: m.to_address,
          subject: m.subject,
          status: m.status,
          attempts: m.attempts,
          lastError: m.last_error,
          createdAt: m.created_at.toISOString(),
          sentAt: m.sent_at?.toISOString() ?? null,
        })),
      };
    },
  );

  app.get(
    '/api/mail/outbox/:id',
    {
      schema: {
        operationId: 'getOutgoingMail',
        tags,
        summary: 'One outgoing message in full: headers, text and HTML (administrators)',
        params: IdParams,
        response: {
          200: Type.Object({
            ...MailSummary.properties,
            messageId: Type.String(),
            headers: Type.Record(Type.String(), Type.String()),
            text: Type.String(),
            html: Type.String(),
          }),
          ...errors(401, 403, 404),
        },
      },
    },
    async (req) => {
      authorize(req.actor, 'mail.outbox');
      const m = await outbox.getById(req.params.id);
      if (!m) throw new NotFoundError('mail.not_found', 'No such message.');
      return {
        id: m.id,
        memberId: m.member_id,
        kind: m.kind,
        to: m.to_address,
        subject: m.subject,
        status: m.status,
        attempts: m.attempts,
        lastError: m.last_error,
        createdAt: m.created_at.toISOString(),
        sentAt: m.sent_at?.toISOString() ?? null,
        messageId: m.message_id,
        headers: (m.headers ?? {}) as Record<string, string>,
        text: m.text_body,
        html: m.html_body,
      };
    },
  );

  app.get(
    '/api/mail/settings',
    {
      schema: {
        operationId: 'getMailSettings',
        tags,
        summary: "The community's mail settings (community managers)",
        response: { 200: Settings, ...errors(401, 403) },
      },
    },
    async (req) => {
      authorize(req.actor, 'mail.settings');
      return settings.get();
    },
  );

  app.put(
    '/api/mail/settings',
    {
      schema: {
        operationId: 'setMailSettings',
        tags,
        summary: "Changes the community's mail settings (community managers)",
        body: Type.Partial(Settings),
        response: { 200: Settings, ...errors(401, 403, 422) },
      },
    },
    async (req) => {
      authorize(req.actor, 'mail.settings');
      return settings.set(req.body);
    },
  );
}
