import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { DateTime, errors, Id, IdParams, Nullable } from '../../http/schemas.ts';
import type { ModerationService } from './moderation.service.ts';
import type { SanctionsService } from './sanctions.service.ts';

const Reason = Type.String({ minLength: 1, maxLength: 500 });
const MemberSanction = Type.Object({
  id: Type.Integer(),
  suspendedUntil: Nullable(DateTime),
  banned: Type.Boolean(),
  reason: Nullable(Type.String()),
});
const Settings = Type.Object({
  postSampling: Type.Array(Type.Number({ minimum: 0, maximum: 1 }), {
    minItems: 5,
    maxItems: 5,
    description: 'Share of posts reviewed in post mode, by trust level 0–4',
  }),
  targetMinutes: Type.Integer({ minimum: 1, maximum: 10080 }),
  strikeThreshold: Type.Integer({ minimum: 1, maximum: 100 }),
  strikeSuspensionDays: Type.Integer({ minimum: 1, maximum: 3650 }),
  strikeDays: Type.Integer({ minimum: 1, maximum: 3650 }),
});

export async function sanctionsRoutes(
  fastify: FastifyInstance,
  { sanctions, moderation }: { sanctions: SanctionsService; moderation: ModerationService },
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['sanctions'];

  app.post(
    '/api/members/:id/warn',
    {
      schema: {
        operationId: 'warnMember',
        tags,
        summary: 'Warn a member: a strike that expires; past the threshold, an automatic suspension',
        params: IdParams,
        body: Type.Object({ reason: Reason, note: Type.Optional(Type.String({ maxLength: 2000 })) }),
        response: {
          200: Type.Object({ activeStrikes: Type.Integer(), suspendedUntil: Nullable(DateTime) }),
          ...errors(401, 403, 404, 422),
        },
      },
    },
    async (req) => sanctions.warn(req.actor, req.params.id, req.body),
  );

  app.post(
    '/api/members/:id/suspend',
    {
      schema: {
        operationId: 'suspendMember',
        tags,
        summary: 'Suspend a member until a date, with a reason they read (they can still read)',
        params: IdParams,
        body: Type.Object({ until: DateTime, reason: Reason }),
        response: { 200: MemberSanction, ...errors(401, 403, 404, 422) },
      },
    },
    async (req) => sanctions.suspend(req.actor, req.params.id, req.body),
  );

  app.post(
    '/api/members/:id/ban',
    {
      schema: {
        operationId: 'banMember',
        tags,
        summary: 'Ban a member, with a reason',
        params: IdParams,
        body: Type.Object({ reason: Reason }),
        response: { 200: MemberSanction, ...errors(401, 403, 404, 422) },
      },
    },
    async (req) => sanctions.ban(req.actor, req.params.id, req.body),
  );

  app.post(
    '/api/members/:id/unsuspend',
    {
      schema: {
        operationId: 'unsuspendMember',
        tags,
        summary: 'Lift a suspension or a ban',
        params: IdParams,
        response: { 200: MemberSanction, ...errors(401, 403, 404) },
      },
    },
    async (req) => sanctions.lift(req.actor, req.params.id),
  );

  app.post(
    '/api/threads/:id/lock',
    {
      schema: {
        operationId: 'lockThread',
        tags,
        summary: 'Lock or unlock a thread (moderators)',
        params: IdParams,
        body: Type.Object({ locked: Type.Boolean(), reason: Type.Optional(Reason) }),
        response: { 200: Type.Object({ id: Type.Integer(), locked: Type.Boolean() }), ...errors(401, 403, 404) },
      },
    },
    async (req) => sanctions.lock(req.actor, req.params.id, req.body),
  );

  app.post(
    '/api/threads/:id/pin',
    {
      schema: {
        operationId: 'pinThread',
        tags,
        summary: 'Pin or unpin a thread in its category (community managers)',
        params: IdParams,
        body: Type.Object({ pinned: Type.Boolean() }),
        response: { 200: Type.Object({ id: Type.Integer(), pinned: Type.Boolean() }), ...errors(401, 403, 404) },
      },
    },
    async (req) => sanctions.pin(req.actor, req.params.id, req.body),
  );

  app.post(
    '/api/threads/:id/move',
    {
      schema: {
        operationId: 'moveThread',
        tags,
        summary: 'Move a thread to another category (moderators)',
        params: IdParams,
        body: Type.Object({ categoryId: Id }),
        response: {
          200: Type.Object({ id: Type.Integer(), categoryId: Type.Integer() }),
          ...errors(401, 403, 404, 422),
        },
      },
    },
    async (req) => {
      const moved = await sanctions.move(req.actor, req.params.id, req.body);
      // Moved into a category some followers may not see: open live sockets are checked now.
      void app.liveRecheck().catch((err: unknown) => req.log.warn({ err }, 'live recheck failed'));
      return moved;
    },
  );

  app.post(
    '/api/posts/:id/hide',
    {
      schema: {
        operationId: 'hidePost',
        tags,
        summary: 'Hide a published post, with a reason (moderators)',
        params: IdParams,
        body: Type.Object({
          reason: Type.String({ maxLength: 40 }),
          note: Type.Optional(Type.String({ maxLength: 2000 })),
        }),
        response: {
          200: Type.Object({ id: Type.Integer(), status: Type.String(), postState: Type.String() }),
          ...errors(401, 403, 404, 409, 422),
        },
      },
    },
    async (req) => sanctions.hidePost(req.actor, req.params.id, req.body),
  );

  app.post(
    '/api/posts/:id/appeal',
    {
      schema: {
        operationId: 'appealDecision',
        tags,
        summary: 'Appeal the decision on your post, once: it goes back to the moderators',
        params: IdParams,
        body: Type.Object({ message: Type.String({ minLength: 1, maxLength: 2000 }) }),
        response: {
          201: Type.Object({ appealed: Type.Boolean(), itemId: Type.Integer() }),
          ...errors(401, 404, 409, 422),
        },
      },
    },
    async (req, reply) => reply.status(201).send(await sanctions.appeal(req.actor, req.params.id, req.body)),
  );

  app.get(
    '/api/moderation/settings',
    {
      schema: {
        operationId: 'getModerationSettings',
        tags,
        summary: 'Moderation settings (moderators read)',
        response: { 200: Settings, ...errors(401, 403) },
      },
    },
    async (req) => moderation.settings(req.actor),
  );

  app.put(
    '/api/moderation/settings',
    {
      schema: {
        operationId: 'setModerationSettings',
        tags,
        summary: 'Change the moderation settings (community managers): post-mode sampling, target time, warnings',
        body: Type.Partial(Settings),
        response: { 200: Settings, ...errors(401, 403, 422) },
      },
    },
    async (req) => moderation.updateSettings(req.actor, req.body),
  );

  app.get(
    '/api/moderation/wait',
    {
      schema: {
        operationId: 'getModerationWait',
        tags,
        summary: 'The typical wait before a decision (median minutes over 30 days)',
        response: { 200: Type.Object({ medianMinutes: Nullable(Type.Integer()) }) },
      },
    },
    async () => moderation.typicalWait(),
  );
}
