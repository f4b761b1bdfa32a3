import path from 'node:path';
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyWebsocket from '@fastify/websocket';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { lazySchemaCompilers } from './http/lazy-schemas.ts';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import type { Db } from './db/kysely.ts';
import { ChangeFeed } from './db/change-feed.ts';
import { startRequestsAfterTurnIo } from './http/turn-order.ts';
import { LiveEventSchema } from './events/live-catalogue.ts';
import { registerErrorHandler } from './http/errors.plugin.ts';
import { registerInputGuard } from './http/input-guard.plugin.ts';
import { closeCpuPool } from './lib/cpu-pool.ts';
import { registerRateLimits } from './http/rate-limit.plugin.ts';
import { ErrorBody } from './http/schemas.ts';
import { registerOriginCheck, registerSecurityHeaders } from './http/security.plugin.ts';
import { registerSession } from './http/session.plugin.ts';
import {
  AccountService,
  accountRoutes,
  authRoutes,
  AuthService,
  SessionCache,
  SessionRepository,
  type SessionRow,
  SessionService,
} from './modules/auth/index.ts';
import {
  forumRoutes,
  ForumService,
  ThreadPageService,
  homeRoutes,
  HomeService,
  Publisher,
  ReactionsService,
  templatesRoutes,
  scheduleRoutes,
  ScheduleService,
  TemplatesService,
  ThreadScheduler,
} from './modules/forum/index.ts';
import { MembersRepository } from './content/index.ts';
import { managementRoutes, MemberManagementService, membersRoutes, MembersService } from './modules/members/index.ts';
import {
  moderationRoutes,
  ModerationService,
  ModerationSettingsStore,
  sanctionsRoutes,
  SanctionsService,
} from './modules/moderation/index.ts';
import { identityRoutes, IdentityService, SignInFlows } from './modules/identity/index.ts';
import { netiquetteRoutes, NetiquetteService } from './modules/netiquette/index.ts';
import {
  RecognitionService,
  reputationRoutes,
  ReputationService,
  ReputationSettingsStore,
} from './modules/reputation/index.ts';
import { LiveHub, liveRoutes, LiveTopics, type LiveControl } from './modules/live/index.ts';
import { BuzzWatcher, healthRoutes, HealthService } from './modules/community/index.ts';
import { ideasRoutes, IdeasService } from './modules/ideas/index.ts';
import { invitationsRoutes, InvitationsService } from './modules/invitations/index.ts';
import { ignoresRoutes, IgnoresService, messagesRoutes, MessagesService } from './modules/messages/index.ts';
import { notificationsRoutes } from './modules/notifications/index.ts';
import { trackingRoutes, TrackingService } from './modules/tracking/index.ts';
import { pagesRoutes, PagesService, registerWeb } from './modules/pages/index.ts';
import {
  MeiliSearchAdapter,
  PgSearchAdapter,
  SearchOutboxWorker,
  searchRoutes,
  SearchService,
} from './modules/search/index.ts';
import { BrandingService, CommunitySettingsStore, siteRoutes, SiteSettingsService } from './modules/site/index.ts';
import { ImageProcessor, LocalDiskStorage, S3Storage, uploadsRoutes, UploadsService } from './modules/uploads/index.ts';
import { registerSocial } from './modules/social/index.ts';
import {
  DigestJob,
  MailHousekeeping,
  Mailer,
  mailPreferencesRoutes,
  mailRoutes,
  NewsletterService,
  newsletterRoutes,
  MailSettingsStore,
  MailWorker,
  NotificationMailer,
  logTransport,
  threadedSmtpTransport,
} from './modules/mail/index.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Keeps an external search index in step (tests drain it by hand). */
    searchOutbox: SearchOutboxWorker;
    /** This node's fan-out of live events. */
    liveHub: LiveHub;
    /** Re-checks every open live socket's rights now (after a permission change; also runs on a timer). */
    liveRecheck(): Promise<void>;
    /** Publishes scheduled threads when due. */
    scheduler: ThreadScheduler;
    /** Announces bad buzz to community managers. */
    buzz: BuzzWatcher;
    /** Sends the mail outbox (tests drain it by hand). */
    mailWorker: MailWorker;
    /** Images: storage, processing, visibility, orphan collection (tests collect by hand). */
    uploads: UploadsService;
    /** Compiles the routes' schemas no request has compiled yet (they compile at first use); how many. */
    compileSchemas(): Promise<number>;
  }
}

export interface AppDeps {
  config: Config;
  db: Db;
  /** For LISTEN (live updates across nodes); without it each node polls for new events. */
  databaseUrl?: string;
  /** Pino options; tests pass false. */
  logger?: boolean | object;
}

/** Builds the whole HTTP application. It never listens: main.ts and the tests do that. */
export async function buildApp({ config, db, databaseUrl, logger = false }: AppDeps): Promise<FastifyInstance> {
  const schemas = lazySchemaCompilers();
  const app = Fastify({
    logger,
    bodyLimit: config.limits.requestBytes,
    trustProxy: config.trustProxy,
    routerOptions: { maxParamLength: 200 },
    ajv: { customOptions: { removeAdditional: true, coerceTypes: 'array', allErrors: false } },
    // Each route's schemas compile at its first request, not at start-up (http/lazy-schemas.ts).
    schemaController: {
      compilersFactory: { buildValidator: schemas.buildValidator, buildSerializer: schemas.buildSerializer },
    },
  });
  app.decorate('compileSchemas', () => schemas.compileAll());
  // First of the onRequest hooks: nothing of a new request runs before the turn's answers have moved on theirs.
  startRequestsAfterTurnIo(app);

  // Bodies are JSON. Fastify also parses text/plain by default, which turned a text body into a string that
  // failed the schema (422); without that parser it is an unsupported media type (415), as the API promises.
  app.removeContentTypeParser('text/plain');

  // The node's notifications (sessions, thread pages): it listens once every cache has subscribed.
  const feed = new ChangeFeed({ databaseUrl, log: { warn: (m) => app.log.warn(m) } });
  const sessionCache = new SessionCache<SessionRow>({ feed, ttlSeconds: config.sessionCacheSeconds });
  const sessions = new SessionService(new SessionRepository(db), sessionCache);
  app.addHook('onReady', () => feed.start());
  app.addHook('onClose', () => feed.stop());
  const mailSettings = new MailSettingsStore(db);
  const mailer = new Mailer(config);
  const accounts = new AccountService(db, sessions, mailer, mailSettings);
  const siteSettings = new SiteSettingsService(db);
  const invitations = new InvitationsService(db, mailer);
  const auth = new AuthService(
    new MembersRepository(db),
    sessions,
    { service: accounts, db },
    async () => (await siteSettings.read()).registration,
    config.identity.localPasswords,
    invitations,
  );
  const identities = new IdentityService(
    db,
    config.identity,
    auth,
    sessions,
    accounts,
    async () => (await siteSettings.read()).registration,
  );

  registerErrorHandler(app);
  registerInputGuard(app);
  requireOperationIds(app);
  app.addSchema(ErrorBody);
  // Not a route's: the live socket's frames, documented so that the generated web client types them.
  app.addSchema(LiveEventSchema);
  await app.register(fastifyCookie);
  // brotli (quality 4) or gzip for answers past 1 KiB; the web app's built files are compressed once, at build time.
  await app.register(fastifyCompress, { encodings: ['br', 'gzip'], threshold: 1024 });
  // Before the Origin check's hook: its own marks an upgrade so that a refused one has its socket closed.
  await app.register(fastifyWebsocket, { options: { maxPayload: 8192 } });
  // Filled in when the live routes register; routes that change who may see what call it so open sockets follow.
  const liveControl: LiveControl = { recheck: async () => {} };
  app.decorate('liveRecheck', () => liveControl.recheck());
  await registerRateLimits(app, db);
  registerSecurityHeaders(app);
  registerOriginCheck(app, config);
  registerSession(app, config, sessions);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Agora API',
        version: '0.1.0',
        description:
          'Brand community forum. Errors are `{ "error": { "code", "message", "details?" } }`. State-changing requests need a same-origin `Origin` header and, except register/login, a session cookie.',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'agora_session' } } },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (json.$id as string) || `def-${i}` },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  await app.register(authRoutes, { config, auth });
  await app.register(accountRoutes, { config, accounts });
  await app.register(identityRoutes, {
    config,
    identities,
    flows: new SignInFlows(db, config.identity, identities),
    sessions,
  });
  await app.register(mailRoutes, { db, config, settings: mailSettings });
  await app.register(mailPreferencesRoutes, { db });
  const notificationMailer = new NotificationMailer(db, mailer, mailSettings, config.limits.pageSize);
  const newsletters = new NewsletterService(db, mailer);
  const digests = new DigestJob(db, mailer);
  // Images: S3-compatible storage when configured, else files under DATA_DIR/uploads.
  const s3 = config.uploads.s3 ? new S3Storage(config.uploads.s3) : null;
  if (s3) app.addHook('onClose', async () => s3.close());
  const imageProcessor = new ImageProcessor();
  app.addHook('onClose', async () => imageProcessor.close());
  const uploads = new UploadsService(
    db,
    s3 ?? new LocalDiskStorage(path.join(config.dataDir, 'uploads')),
    config.uploads,
    imageProcessor,
  );
  app.decorate('uploads', uploads);
  const branding = new BrandingService(siteSettings, uploads);
  await app.register(uploadsRoutes, { uploads, branding, maxBytes: config.uploads.maxBytes });
  const housekeeping = new MailHousekeeping(db, config.mail.keepDays, [
    () => accounts.purgeStaleTokens(),
    async () => void (await identities.purgeExpired()),
    () => uploads.collectOrphans(),
  ]);
  const mailWorker = new MailWorker(
    db,
    config.mail.smtpUrl
      ? threadedSmtpTransport(config.mail, config.mail.smtpUrl)
      : logTransport((line) => app.log.warn(line)),
    {
      batch: config.mail.batch,
      intervalMs: config.mail.workerMs,
      timeoutMs: config.mail.timeoutMs,
      ratePerSecond: config.mail.ratePerSecond,
      log: app.log,
      jobs: [() => notificationMailer.run(), () => digests.run(), () => newsletters.runDue(), () => housekeeping.run()],
    },
  );
  app.decorate('mailWorker', mailWorker);
  await app.register(newsletterRoutes, { newsletters });
  app.addHook('onReady', async () => mailWorker.start());
  app.addHook('onClose', () => mailWorker.stop());
  await app.register(membersRoutes, { members: new MembersService(db) });
  const community = new CommunitySettingsStore(db, config);
  await app.register(siteRoutes, { config, db, settings: siteSettings, community });
  const netiquette = new NetiquetteService(db, config.netiquetteRecheckMs);
  await netiquette.ensureBuiltins();
  await app.register(netiquetteRoutes, { netiquette, config });
  const moderationSettings = new ModerationSettingsStore(db);
  const reputationSettings = new ReputationSettingsStore(db);
  const reputation = new ReputationService(reputationSettings);
  const recognition = new RecognitionService(db, reputation, reputationSettings);
  await recognition.ensureBuiltins();
  const publisher = new Publisher(
    db,
    community,
    netiquette,
    moderationSettings,
    reputation,
    Math.random,
    accounts,
    uploads,
  );
  const forum = new ForumService(db, config.limits.pageSize);
  const threadPages = new ThreadPageService(db, config.limits.pageSize, {
    cacheSeconds: config.threadCacheSeconds,
    coalesce: config.threadCoalesce,
    cacheMb: config.threadCacheMb,
    feed,
  });
  await app.register(forumRoutes, {
    config,
    community,
    forum,
    threadPages,
    publisher,
    reactions: new ReactionsService(db, reputation),
  });
  await app.register(reputationRoutes, { recognition });
  // Search: PostgreSQL full-text by default; Meilisearch when configured, fed by the outbox worker.
  const meili = config.meili ? new MeiliSearchAdapter(db, config.meili) : null;
  const searchOutbox = new SearchOutboxWorker(db, meili, {
    batch: config.searchOutboxBatch,
    log: { info: (m) => app.log.info(m), warn: (m) => app.log.warn(m) },
  });
  app.decorate('searchOutbox', searchOutbox);
  if (config.searchWorker) app.addHook('onReady', async () => searchOutbox.start());
  app.addHook('onClose', () => searchOutbox.stop());
  await app.register(searchRoutes, {
    search: new SearchService(db, meili ?? new PgSearchAdapter(db, config.searchCandidates), config.limits.pageSize),
    rateLimit: config.rateLimits.search,
  });
  const scheduler = new ThreadScheduler(db, reputation, config.schedulerMs, { warn: (m) => app.log.warn(m) });
  app.decorate('scheduler', scheduler);
  app.addHook('onReady', async () => scheduler.start());
  app.addHook('onClose', () => scheduler.stop());
  const moderation = new ModerationService(db, publisher, moderationSettings, reputation);
  await app.register(moderationRoutes, { moderation });
  await app.register(sanctionsRoutes, {
    sanctions: new SanctionsService(db, moderation, moderationSettings, reputation),
    moderation,
  });

  await app.register(notificationsRoutes, { db });
  await app.register(homeRoutes, { home: new HomeService(db) });
  await app.register(templatesRoutes, { templates: new TemplatesService(db) });
  await app.register(scheduleRoutes, { schedule: new ScheduleService(db) });
  await app.register(managementRoutes, { management: new MemberManagementService(db) });
  const health = new HealthService(db);
  await app.register(healthRoutes, { health });
  const buzz = new BuzzWatcher(db, health, config.buzzCheckMs, { warn: (m) => app.log.warn(m) });
  app.decorate('buzz', buzz);
  app.addHook('onReady', async () => buzz.start());
  app.addHook('onClose', () => buzz.stop());
  await app.register(ideasRoutes, { ideas: new IdeasService(db, config.publicUrl) });
  await registerSocial(app, db, {
    searchLimit: config.rateLimits.search,
    postingLimit: config.rateLimits.posting,
  });
  await app.register(messagesRoutes, {
    config,
    messages: new MessagesService(db, config.limits, netiquette, accounts),
  });
  await app.register(ignoresRoutes, { ignores: new IgnoresService(db) });
  await app.register(invitationsRoutes, { config, invitations });
  await app.register(trackingRoutes, { tracking: new TrackingService(db), config });
  const liveHub = new LiveHub(db, {
    feed,
    keepSeconds: config.live.keepSeconds,
    log: { warn: (m) => app.log.warn(m) },
    beforeDispatch: (event) => threadPages.heard(event.topic),
  });
  app.decorate('liveHub', liveHub);
  app.addHook('onReady', () => liveHub.start());
  app.addHook('onClose', () => liveHub.stop());
  await app.register(liveRoutes, {
    control: liveControl,
    hub: liveHub,
    topics: new LiveTopics(db),
    heartbeatMs: config.live.heartbeatMs,
    maxBufferedBytes: config.live.maxBufferedBytes,
    caps: {
      total: config.live.maxSockets,
      perAddress: config.live.maxSocketsPerAddress,
      perMember: config.live.maxSocketsPerMember,
    },
  });

  const pages = new PagesService(db, config.limits.pageSize);
  await app.register(pagesRoutes, { pages, config });

  // The worker pool for long texts starts on first use; it goes with the app.
  app.addHook('onClose', () => closeCpuPool());

  await registerWeb(app, config, pages);
  return app;
}

/**
 * Every documented route names its operation (the generated web client and the API docs use the names), once:
 * a route added without one fails at start, in every test, rather than in a review.
 */
function requireOperationIds(app: FastifyInstance): void {
  const seen = new Map<string, string>();
  app.addHook('onRoute', (route) => {
    const schema = route.schema as { operationId?: string; hide?: boolean } | undefined;
    const methods = [route.method].flat();
    if (!route.url.startsWith('/api/') && route.url !== '/healthz') return;
    if (schema?.hide || methods.every((m) => m === 'HEAD')) return;
    const where = `${methods.join(',')} ${route.url}`;
    if (!schema?.operationId) throw new Error(`Route ${where} has no schema.operationId`);
    const other = seen.get(schema.operationId);
    if (other && other !== where) throw new Error(`operationId ${schema.operationId} names both ${other} and ${where}`);
    seen.set(schema.operationId, where);
  });
}
