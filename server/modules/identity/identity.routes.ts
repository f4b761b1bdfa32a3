import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../config.ts';
import { clearSessionCookie, setSessionCookie } from '../../http/session.plugin.ts';
import { errors, LocaleSchema, Nullable, Ok, StringEnum } from '../../http/schemas.ts';
import { AppError } from '../../lib/errors.ts';
import type { SessionService } from '../auth/index.ts';
import { Me, toMe } from '../members/index.ts';
import { publicBase } from '../pages/index.ts';
import type { IdentityService } from './identity.service.ts';
import type { SignInFlows } from './sign-in.flows.ts';

/** Binds a sign-in in flight to the browser that started it; and the sign-up waiting for a username. */
const BINDING_COOKIE = 'agora_sso';
const SIGNUP_COOKIE = 'agora_sso_signup';
const COOKIE_PATH = '/api/auth/sso';

const Provider = Type.String({ maxLength: 40, pattern: '^[a-z0-9-]+$' });
const ProviderInfo = Type.Object({ id: Type.String(), label: Type.String(), kind: StringEnum(['oidc', 'discourse']) });
const Callback = Type.Object(
  Object.fromEntries(
    ['code', 'state', 'iss', 'error', 'error_description', 'session_state', 'sso', 'sig'].map((k) => [
      k,
      Type.Optional(Type.String({ maxLength: 8192 })),
    ]),
  ),
);

export interface IdentityRouteDeps {
  config: Config;
  identities: IdentityService;
  flows: SignInFlows;
  sessions: SessionService;
}

/**
 * Single sign-on. The start and callback routes are where a browser is sent, so their failures come back to it as
 * a page (the login page, or the account page for a signed-in member, with `sso_error=<code>`); an API client
 * (no `Accept: text/html`) gets the usual JSON error with its 4xx. Both are limited per address.
 */
export async function identityRoutes(fastify: FastifyInstance, deps: IdentityRouteDeps) {
  const { config, identities, flows, sessions } = deps;
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const cookie = (reply: FastifyReply, name: string, value: string, maxAgeSeconds: number) =>
    reply.setCookie(name, value, {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.secureCookies,
      path: COOKIE_PATH,
      maxAge: maxAgeSeconds,
    });
  const browserErrors = (error: FastifyError | AppError, req: FastifyRequest, reply: FastifyReply) => {
    if (!String(req.headers.accept ?? '').includes('text/html')) throw error;
    const code = error instanceof AppError ? error.code : error.statusCode === 429 ? 'rate_limited' : 'identity.failed';
    if (!(error instanceof AppError) && (error.statusCode ?? 500) >= 500) req.log.error({ err: error }, 'sso failed');
    const page = new URLSearchParams({ sso_error: code });
    const detail = (error as AppError).details as { description?: string; error?: string } | undefined;
    if (code === 'identity.provider_error' && detail) page.set('sso_detail', detail.description ?? detail.error ?? '');
    return reply.redirect(`${req.actor ? '/account' : '/login'}?${page}`, 303);
  };
  const limit = { rateLimit: { max: config.identity.rateLimit, timeWindow: '1 minute' } };

  app.get(
    '/api/auth/providers',
    {
      schema: {
        operationId: 'listSignInProviders',
        tags: ['auth'],
        summary: 'The sign-in providers this site offers, and whether members may use a password',
        response: {
          200: Type.Object({
            providers: Type.Array(ProviderInfo),
            localPasswords: StringEnum(['on', 'admins'], {
              description: '`admins`: members sign in through a provider; only administrators use a password',
            }),
          }),
        },
      },
    },
    async () => ({ providers: flows.providers(), localPasswords: config.identity.localPasswords }),
  );

  app.get(
    '/api/auth/sso/:provider/start',
    {
      config: limit,
      errorHandler: browserErrors,
      schema: {
        operationId: 'startSingleSignOn',
        tags: ['auth'],
        summary: 'Sends the browser to the provider to sign in (or, signed in, to link the provider)',
        params: Type.Object({ provider: Provider }),
        querystring: Type.Object({
          intent: Type.Optional(StringEnum(['login', 'link'])),
          returnTo: Type.Optional(Type.String({ maxLength: 500 })),
        }),
        response: { 303: Type.Null(), ...errors(400, 403, 404, 429, 503) },
      },
    },
    async (req, reply) => {
      const { location, binding } = await flows.start({
        provider: req.params.provider,
        intent: req.query.intent ?? 'login',
        memberId: req.actor?.id ?? null,
        returnTo: req.query.returnTo,
        binding: req.cookies[BINDING_COOKIE],
        base: publicBase(config, req),
      });
      cookie(reply, BINDING_COOKIE, binding, 600);
      return reply.redirect(location, 303);
    },
  );

  app.get(
    '/api/auth/sso/:provider/callback',
    {
      config: limit,
      errorHandler: browserErrors,
      schema: {
        operationId: 'finishSingleSignOn',
        tags: ['auth'],
        summary: 'Where the provider sends the browser back: signs in, links, or opens the choice of a username',
        params: Type.Object({ provider: Provider }),
        querystring: Callback,
        response: { 303: Type.Null(), ...errors(400, 403, 404, 409, 422, 429, 503) },
      },
    },
    async (req, reply) => {
      const arrival = await flows.finish(
        req.params.provider,
        req.query,
        req.cookies[BINDING_COOKIE],
        publicBase(config, req),
      );
      if (arrival.kind === 'signed-in') setSessionCookie(reply, config, arrival.token, arrival.expiresAt);
      if (arrival.kind === 'signup') cookie(reply, SIGNUP_COOKIE, arrival.token, 30 * 60);
      return reply.redirect(arrival.returnTo, 303);
    },
  );

  app.get(
    '/api/auth/sso/signup',
    {
      schema: {
        operationId: 'getPendingSignup',
        tags: ['auth'],
        summary: 'The sign-up waiting for a username after a first sign-in through a provider',
        response: {
          200: Type.Object({
            provider: Type.String(),
            label: Type.String(),
            email: Type.String(),
            name: Type.String(),
            username: Type.String({ description: 'Proposed from the claims; empty when taken or unusable' }),
          }),
          ...errors(404),
        },
      },
    },
    async (req) => identities.pendingSignup(req.cookies[SIGNUP_COOKIE]),
  );

  app.post(
    '/api/auth/sso/signup',
    {
      config: limit,
      schema: {
        operationId: 'completeSignup',
        tags: ['auth'],
        summary: 'Creates the account with the chosen username, signs in, and links the provider',
        body: Type.Object({
          username: Type.String({ maxLength: 200 }),
          acceptNetiquette: Type.Boolean(),
          locale: Type.Optional(LocaleSchema),
        }),
        response: {
          201: Type.Object({ member: Me, returnTo: Type.String() }),
          ...errors(404, 409, 422, 429),
        },
      },
    },
    async (req, reply) => {
      const done = await identities.completeSignup(req.cookies[SIGNUP_COOKIE], req.body, publicBase(config, req));
      setSessionCookie(reply, config, done.token, done.expiresAt);
      reply.clearCookie(SIGNUP_COOKIE, { path: COOKIE_PATH });
      return reply.status(201).send({ member: toMe(done.member), returnTo: done.returnTo });
    },
  );

  app.get(
    '/api/auth/identities',
    {
      schema: {
        operationId: 'listIdentities',
        tags: ['auth'],
        summary: "The signed-in member's linked sign-in providers",
        response: {
          200: Type.Object({
            hasPassword: Type.Boolean(),
            identities: Type.Array(
              Type.Object({
                provider: Type.String(),
                label: Type.String(),
                email: Nullable(Type.String()),
                linkedAt: Type.String({ format: 'date-time' }),
                lastUsedAt: Nullable(Type.String({ format: 'date-time' })),
              }),
            ),
          }),
          ...errors(401),
        },
      },
    },
    async (req) => identities.list(req.actor),
  );

  app.delete(
    '/api/auth/identities/:provider',
    {
      schema: {
        operationId: 'unlinkIdentity',
        tags: ['auth'],
        summary: 'Unlinks a provider (refused for the last way to sign in)',
        params: Type.Object({ provider: Provider }),
        response: { 200: Ok, ...errors(401, 404, 409) },
      },
    },
    async (req) => {
      await identities.unlink(req.actor, req.params.provider);
      return { ok: true };
    },
  );

  app.post(
    '/api/auth/sso/logout',
    {
      schema: {
        operationId: 'logoutEverywhere',
        tags: ['auth'],
        summary:
          "Ends this session and, when it came from a provider that offers it, gives the provider's logout address",
        response: { 200: Type.Object({ ok: Type.Boolean(), endSessionUrl: Nullable(Type.String()) }) },
      },
    },
    async (req, reply) => {
      const endSessionUrl = await flows.endSessionUrl(req.sessionId, publicBase(config, req));
      if (req.sessionId) await sessions.invalidate(req.sessionId);
      clearSessionCookie(reply, config);
      return { ok: true, endSessionUrl };
    },
  );
}
