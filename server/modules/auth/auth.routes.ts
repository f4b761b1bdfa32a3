import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { requireActor } from '../../access/access.ts';
import type { Config } from '../../config.ts';
import { clearSessionCookie, setSessionCookie } from '../../http/session.plugin.ts';
import { errors } from '../../http/schemas.ts';
import { Me, toMe } from '../members/index.ts';
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
});

const LoginBody = Type.Object({
  login: Type.String({ maxLength: 400, description: 'Username or e-mail address' }),
  password: Type.String({ maxLength: 1024 }),
});

export async function authRoutes(fastify: FastifyInstance, { config, auth }: AuthRouteDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/api/auth/register',
    {
      config: { rateLimit: { max: config.rateLimits.register, timeWindow: '1 hour' } },
      schema: {
        tags: ['auth'],
        summary: 'Create an account and sign in',
        body: RegisterBody,
        response: { 201: Type.Object({ member: Me }), ...errors(409, 422, 429) },
      },
    },
    async (req, reply) => {
      const { member, token, expiresAt } = await auth.register(req.body);
      setSessionCookie(reply, config, token, expiresAt);
      return reply.status(201).send({ member: toMe(member) });
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: {
        rateLimit: {
          max: config.rateLimits.login,
          timeWindow: '1 minute',
          // Per address and per login name, so one attacker cannot lock a member out from elsewhere.
          keyGenerator: (req: { ip: string; body?: unknown }) => {
            const login = (req.body as { login?: unknown } | undefined)?.login;
            return `login:${req.ip}:${typeof login === 'string' ? login.toLowerCase().slice(0, 100) : ''}`;
          },
        },
      },
      schema: {
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
    { schema: { tags: ['auth'], summary: 'End this session', response: { 200: Type.Object({ ok: Type.Boolean() }) } } },
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
        tags: ['auth'],
        summary: 'The signed-in member',
        response: { 200: Type.Object({ member: Me }), ...errors(401) },
      },
    },
    async (req) => ({ member: toMe(await auth.me(requireActor(req.actor))) }),
  );
}
