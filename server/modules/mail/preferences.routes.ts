import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { requireActor } from '../../access/access.ts';
import type { Db } from '../../db/kysely.ts';
import { errors, Ok, StringEnum } from '../../http/schemas.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { MAIL_LISTS } from './bulk.ts';
import { MailPreferencesRepository } from './preferences.repository.ts';

const Digest = StringEnum(['off', 'daily', 'weekly']);
const Preferences = Type.Object({
  digest: Digest,
  newsletter: Type.Boolean(),
  categories: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), followed: Type.Boolean() }), {
    description: 'Every category, and whether you follow it (digests show the categories you follow, or all)',
  }),
});
const UnsubscribeQuery = Type.Object({
  key: Type.String({ minLength: 16, maxLength: 100 }),
  list: StringEnum(MAIL_LISTS),
});

/** A member's mail preferences, and unsubscribing without a login from the link every bulk mail carries. */
export async function mailPreferencesRoutes(fastify: FastifyInstance, { db }: { db: Db }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const prefs = new MailPreferencesRepository(db);
  const tags = ['mail'];

  // RFC 8058: a mail client's one-click POST carries `List-Unsubscribe=One-Click` as a form. Parsed here only
  // (this plugin's scope); the value itself does not matter, the key in the address decides.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  app.get(
    '/api/me/mail',
    {
      schema: {
        operationId: 'getMailPreferences',
        tags,
        summary: 'Your digest, newsletter and followed categories',
        response: { 200: Preferences, ...errors(401) },
      },
    },
    async (req) => prefs.get(requireActor(req.actor).id),
  );

  app.put(
    '/api/me/mail',
    {
      schema: {
        operationId: 'setMailPreferences',
        tags,
        summary: 'Changes your digest, newsletter and followed categories',
        body: Type.Object({
          digest: Type.Optional(Digest),
          newsletter: Type.Optional(Type.Boolean()),
          followedCategories: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 500 })),
        }),
        response: { 200: Preferences, ...errors(401, 422) },
      },
    },
    async (req) => {
      const actor = requireActor(req.actor);
      await prefs.set(actor.id, req.body);
      return prefs.get(actor.id);
    },
  );

  app.get(
    '/api/mail/unsubscribe',
    {
      schema: {
        operationId: 'getSubscription',
        tags,
        summary: 'Whether the member of this unsubscribe link still receives this list (no login)',
        querystring: UnsubscribeQuery,
        response: {
          200: Type.Object({ list: StringEnum(MAIL_LISTS), subscribed: Type.Boolean() }),
          ...errors(400, 404, 429),
        },
      },
    },
    async (req) => {
      const subscribed = await prefs.subscribed(req.query.key, req.query.list);
      if (subscribed === undefined) throw unknownKey();
      return { list: req.query.list, subscribed };
    },
  );

  app.post(
    '/api/mail/unsubscribe',
    {
      // Not rate-limited by address: a big mail provider POSTs its users' unsubscribes from a few addresses, and a
      // limit would refuse some; guessing a key (244 random bits) is hopeless anyway.
      // Mail providers POST here from their servers, with no Origin and no cookie: the key in the address is
      // the only authority, and it can do nothing but unsubscribe (see the Origin check).
      config: { crossSite: true },
      schema: {
        operationId: 'unsubscribe',
        tags,
        summary: 'Unsubscribes the member of this link from the list (no login; RFC 8058 one-click)',
        querystring: UnsubscribeQuery,
        response: { 200: Ok, ...errors(400, 404) },
      },
    },
    async (req) => {
      if (!(await prefs.unsubscribe(req.query.key, req.query.list))) throw unknownKey();
      return { ok: true };
    },
  );
}

const unknownKey = () =>
  new NotFoundError('mail.unsubscribe_unknown', 'This unsubscribe link matches no account (it may have been erased).');
