import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { requireActor } from '../../access/access.ts';
import type { Config } from '../../config.ts';
import { clearSessionCookie, setSessionCookie } from '../../http/session.plugin.ts';
import { everyLimit } from '../../http/rate-limit.plugin.ts';
import { errors } from '../../http/schemas.ts';
import { Me, toMe } from '../members/index.ts';
import { publicBase } from '../pages/index.ts';
import type { AuthService } from './auth.service.ts';

export interface AuthRouteDeps {
  config: Config;
  auth: AuthService;
}

const RegisterBody = Type.Object({
  username: Type.String({ maxLength: 200 }),
  email: Type.String({ maxLength: 400 }),
  password: Type.String({ maxLength: 1024 }),
  acceptNetiquette: Type.Boolean({ description: 'Must be true: members accept the netiquette to join' }),
  locale: Type.Optional(Type.Union([Type.Literal('fr'), Type.Literal('en')])),
  invitation: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'An invitation link’s token (opens invite-only registration)',
    }),
  ),
});

const LoginBody = Type.Object({
  login: Type.String({ maxLength: 400, description: 'Username or e-mail address' }),
  password: Type.String({ maxLength: 1024 }),
});

/*
 * Login is limited twice, after the body is read, in the database (so every node counts together): by login name
 * (a few tries per minute for one account, wherever they come from, without locking out a neighbour behind the
 * same address) and, higher, by address (one address trying many accounts).
 */
export async function authRoutes(fastify: FastifyInstance, { config, auth }: AuthRouteDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/api/auth/register',
    {
      config: { rateLimit: { max: config.rateLimits.register, timeWindow: '1 hour' } },
      schema: {
        operationId: 'register',
        tags: ['auth'],
        summary: 'Create an account and sign in',
        body: RegisterBody,
        response: { 201: Type.Object({ member: Me }), ...errors(403, 409, 422, 429) },
      },
    },
    async (req, reply) => {
      const { member, token, expiresAt } = await auth.register(req.body, publicBase(config, req));
      setSessionCookie(reply, config, token, expiresAt);
      return reply.status(201).send({ member: toMe(member) });
    },
  );

  app.post(
    '/api/auth/login',
    {
      // Counted after the body is read: by login name (a few tries per minute for one account, wherever they
      // come from), and by address with a higher ceiling (one address trying many accounts), on every node at once.
      preHandler: everyLimit(app, [
        {
          namespace: 'login-name',
          max: config.rateLimits.login,
          timeWindowMs: 60_000,
          key: (req) => {
            const login = (req.body as { login?: unknown } | undefined)?.login;
            return typeof login === 'string' ? login.trim().toLowerCase().slice(0, 200) : '';
          },
        },
        {
          namespace: 'login-address',
          max: config.rateLimits.loginPerAddress,
          timeWindowMs: 60_000,
          key: (req) => req.ip,
        },
      ]),
      schema: {
        operationId: 'login',
        tags: ['auth'],
        summary: 'Sign in with a username or e-mail address',
        body: LoginBody,
        response: { 200: Type.Object({ member: Me }), ...errors(401, 422, 429) },
      },
    },
    async (req, reply) => {
      const { member, token, expiresAt } = await auth.login(req.body.login, req.body.password);
      setSessionCookie(reply, config, token, expiresAt);
      return { member: toMe(member) };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: {
        operationId: 'logout',
        tags: ['auth'],
        summary: 'End this session',
        response: { 200: Type.Object({ ok: Type.Boolean() }) },
      },
    },
    async (req, reply) => {
      await auth.logout(req.sessionId);
      clearSessionCookie(reply, config);
      return { ok: true };
    },
  );

  app.get(
    '/api/me',
    {
      schema: {
        operationId: 'getMe',
        tags: ['auth'],
        summary: 'The signed-in member',
        response: { 200: Type.Object({ member: Me }), ...errors(401) },
      },
    },
    async (req) => ({ member: toMe(await auth.me(requireActor(req.actor))) }),
  );
}
