import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/kysely.ts';
import { type Actor, authorize } from '../../access/access.ts';
import { errors, LocaleSchema, Nullable, StringEnum } from '../../http/schemas.ts';
import { AuditRepository } from '../../events/audit.repository.ts';
import { renderMarkdown } from '../../lib/markdown.ts';
import { DatabaseProbe } from './site.repository.ts';
import { COMMUNITY_BOUNDS, type CommunitySettingsStore } from './community.settings.ts';
import type { SiteSettingsService } from './site-settings.service.ts';

const RegistrationSchema = StringEnum(['open', 'invite', 'closed'], {
  description: 'Who may create an account: anyone, only with an invitation, or nobody',
});
const Accent = Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'A colour white text is readable on' });

const Site = Type.Object({
  name: Type.String(),
  tagline: Type.String(),
  defaultLocale: LocaleSchema,
  registration: RegistrationSchema,
  accentColor: Nullable(Accent),
  logo: Nullable(Type.String({ description: "The header's logo, or null for the name's initial" })),
  favicon: Nullable(Type.String()),
  limits: Type.Object({
    titleMin: Type.Integer(),
    titleMax: Type.Integer(),
    bodyMin: Type.Integer(),
    bodyMax: Type.Integer(),
    pageSize: Type.Integer(),
  }),
});

/** The settings an administrator changes from the console. */
const Settings = Type.Object({
  name: Type.String({ minLength: 2, maxLength: 80 }),
  tagline: Type.String({ maxLength: 200 }),
  defaultLocale: LocaleSchema,
  registration: RegistrationSchema,
  accentColor: Nullable(Accent),
  netiquette: Type.String({ maxLength: 20_000, description: 'The netiquette members accept, in Markdown' }),
  logo: Nullable(Type.String({ description: 'Set by POST /api/admin/branding/logo; null removes it' })),
  favicon: Nullable(Type.String({ description: 'The 192 px icon (f180, f32 beside it); null removes it' })),
});

const bounded = (field: keyof typeof COMMUNITY_BOUNDS, description: string) =>
  Type.Integer({ minimum: COMMUNITY_BOUNDS[field][0], maximum: COMMUNITY_BOUNDS[field][1], description });

/** The community's live settings (the limits default to the environment's values). */
const Community = Type.Object({
  staffInLeaderboards: Type.Boolean({ description: 'Staff appear in leaderboards, top contributors, rising members' }),
  titleMin: bounded('titleMin', 'Shortest title, in characters'),
  titleMax: bounded('titleMax', 'Longest title, in characters'),
  bodyMin: bounded('bodyMin', 'Shortest post, in characters'),
  bodyMax: bounded('bodyMax', 'Longest post, in characters'),
  postsPerMinute: bounded('postsPerMinute', 'Threads and replies one member may send per minute'),
});

const AuditEntry = Type.Object({
  id: Type.Integer(),
  action: Type.String(),
  subjectType: Type.String(),
  subjectId: Type.String(),
  actor: Nullable(Type.Object({ id: Type.Integer(), username: Type.String() })),
  data: Type.Unknown(),
  at: Type.String({ format: 'date-time' }),
});

export async function siteRoutes(
  fastify: FastifyInstance,
  {
    config,
    db,
    settings,
    community,
  }: { config: Config; db: Db; settings: SiteSettingsService; community: CommunitySettingsStore },
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const database = new DatabaseProbe(db);
  const audit = new AuditRepository(db);

  app.get(
    '/api/site',
    {
      schema: {
        operationId: 'getSite',
        tags: ['site'],
        summary: "The community's name and the limits the composer enforces",
        response: { 200: Site },
      },
    },
    async () => {
      const [{ name, tagline, defaultLocale, registration, accentColor, logo, favicon }, live] = await Promise.all([
        settings.read(),
        community.get(),
      ]);
      const { titleMin, titleMax, bodyMin, bodyMax } = live;
      const limits = { titleMin, titleMax, bodyMin, bodyMax, pageSize: config.limits.pageSize };
      return { name, tagline, defaultLocale, registration, accentColor, logo, favicon, limits };
    },
  );

  app.get(
    '/api/site/netiquette',
    {
      schema: {
        operationId: 'getNetiquette',
        tags: ['site'],
        summary: 'The netiquette members accept on joining, rendered (empty when none was written)',
        response: { 200: Type.Object({ html: Type.String() }) },
      },
    },
    async () => ({ html: renderMarkdown((await settings.read()).netiquette) }),
  );

  app.get(
    '/api/admin/settings',
    {
      schema: {
        operationId: 'getSiteSettings',
        tags: ['site'],
        summary: "The site's settings (administrators)",
        response: { 200: Settings, ...errors(401, 403) },
      },
    },
    async (req) => {
      authorize(req.actor, 'site.manage');
      return settings.read();
    },
  );

  app.put(
    '/api/admin/settings',
    {
      schema: {
        operationId: 'updateSiteSettings',
        tags: ['site'],
        summary: "Changes some of the site's settings (administrators; audited)",
        body: Type.Partial(Settings),
        response: { 200: Settings, ...errors(401, 403, 422) },
      },
    },
    async (req) => settings.update(req.actor, req.body),
  );

  app.get(
    '/api/admin/community',
    {
      schema: {
        operationId: 'getCommunitySettings',
        tags: ['site'],
        summary: "The community's live settings: limits, and staff in leaderboards (community managers)",
        response: { 200: Community, ...errors(401, 403) },
      },
    },
    async (req) => {
      authorize(req.actor, 'community.settings');
      return community.get();
    },
  );

  app.put(
    '/api/admin/community',
    {
      schema: {
        operationId: 'updateCommunitySettings',
        tags: ['site'],
        summary: "Changes the community's live settings (community managers; audited; seen by every node within 2 s)",
        body: Type.Partial(Community),
        response: { 200: Community, ...errors(401, 403, 422) },
      },
    },
    async (req) => community.update(req.actor, req.body),
  );

  app.get(
    '/api/admin/audit',
    {
      schema: {
        operationId: 'listAuditLog',
        tags: ['site'],
        summary: 'What staff changed, newest first (administrators)',
        querystring: Type.Object({
          subjectType: Type.Optional(Type.String({ maxLength: 40 })),
          before: Type.Optional(Type.Integer({ minimum: 1 })),
        }),
        response: {
          200: Type.Object({ entries: Type.Array(AuditEntry), nextBefore: Nullable(Type.Integer()) }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      authorize(req.actor as Actor | null, 'audit.read');
      const limit = 50;
      const rows = await audit.list({ subjectType: req.query.subjectType, before: req.query.before, limit: limit + 1 });
      return {
        entries: rows.slice(0, limit).map((r) => ({
          id: Number(r.id),
          action: r.action,
          subjectType: r.subject_type,
          subjectId: r.subject_id,
          actor: r.actor_id === null ? null : { id: r.actor_id, username: r.actor_username ?? '' },
          data: r.data,
          at: r.created_at.toISOString(),
        })),
        nextBefore: rows.length > limit ? Number(rows[limit - 1]!.id) : null,
      };
    },
  );

  app.get(
    '/healthz',
    {
      schema: {
        operationId: 'healthz',
        tags: ['site'],
        summary: 'Liveness and database check',
        response: {
          200: Type.Object({ status: Type.String(), database: Type.String() }),
          503: Type.Object({ status: Type.String(), database: Type.String() }),
        },
      },
    },
    async (_req, reply) => {
      try {
        await database.ping();
        return { status: 'ok', database: 'ok' };
      } catch {
        return reply.status(503).send({ status: 'degraded', database: 'unreachable' });
      }
    },
  );
}
