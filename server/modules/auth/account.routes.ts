import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../config.ts';
import { everyLimit } from '../../http/rate-limit.plugin.ts';
import { errors, Ok } from '../../http/schemas.ts';
import { setSessionCookie } from '../../http/session.plugin.ts';
import { Me, toMe } from '../members/index.ts';
import { publicBase } from '../pages/index.ts';
import type { AccountService } from './account.service.ts';

const HOUR = 3_600_000;
const Token = Type.String({ maxLength: 100, description: 'The token of the link the e-mail carried' });
const Password = Type.String({ maxLength: 1024 });

/**
 * Account recovery and address confirmation. The mails they cause are limited in the shared PostgreSQL store,
 * per account (the login named, or the member signed in) and per network address; tokens tried are limited
 * per address, so that guessing one is hopeless on top of its 160 random bits.
 */
export async function accountRoutes(
  fastify: FastifyInstance,
  { config, accounts }: { config: Config; accounts: AccountService },
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const limits = config.rateLimits;
  const base = (req: FastifyRequest) => publicBase(config, req);
  const perAddress = (namespace: string, max: number, timeWindowMs: number) => ({
    namespace,
    max,
    timeWindowMs,
    key: (req: FastifyRequest) => req.ip,
  });
  const perMember = (namespace: string) => ({
    namespace,
    max: limits.accountMail,
    timeWindowMs: HOUR,
    key: (req: FastifyRequest) => String(req.actor?.id ?? req.ip),
  });
  const tokenLimit = everyLimit(app, [perAddress('mail-token-address', limits.tokens, 10 * 60_000)]);

  app.post(
    '/api/auth/password/forgot',
    {
      preHandler: everyLimit(app, [
        {
          namespace: 'forgot-login',
          max: limits.accountMail,
          timeWindowMs: HOUR,
          key: (req) => {
            const login = (req.body as { login?: unknown } | undefined)?.login;
            return typeof login === 'string' ? login.trim().toLowerCase().slice(0, 200) : '';
          },
        },
        perAddress('forgot-address', limits.accountMailPerAddress, HOUR),
      ]),
      schema: {
        operationId: 'forgotPassword',
        tags: ['auth'],
        summary: 'E-mails a single-use link to choose a new password (valid one hour)',
        description:
          'Answers 202 whether or not the login names an account, so that it tells nobody which accounts exist.',
        body: Type.Object({ login: Type.String({ minLength: 1, maxLength: 400, description: 'Username or e-mail' }) }),
        response: { 202: Ok, ...errors(400, 429) },
      },
    },
    async (req, reply) => {
      await accounts.forgot(req.body.login, base(req));
      return reply.status(202).send({ ok: true });
    },
  );

  app.post(
    '/api/auth/password/reset',
    {
      preHandler: tokenLimit,
      schema: {
        operationId: 'resetPassword',
        tags: ['auth'],
        summary: 'Sets a new password from a reset link; ends every session and signs this browser in',
        body: Type.Object({ token: Token, password: Password }),
        response: { 200: Type.Object({ member: Me }), ...errors(400, 422, 429) },
      },
    },
    async (req, reply) => {
      const { member, token, expiresAt } = await accounts.reset(req.body.token, req.body.password);
      setSessionCookie(reply, config, token, expiresAt);
      return { member: toMe(member) };
    },
  );

  app.post(
    '/api/auth/email/verify',
    {
      preHandler: tokenLimit,
      schema: {
        operationId: 'verifyEmail',
        tags: ['auth'],
        summary: 'Confirms an address from the link sent to it (at sign-up, or a new address)',
        body: Type.Object({ token: Token }),
        response: {
          200: Type.Object({
            purpose: Type.String({ enum: ['email.verify', 'email.change'] }),
            email: Type.String(),
          }),
          ...errors(400, 409, 429),
        },
      },
    },
    async (req) => {
      const { purpose, member } = await accounts.verify(req.body.token, base(req));
      return { purpose, email: member.email };
    },
  );

  app.post(
    '/api/auth/email/verify/resend',
    {
      preHandler: everyLimit(app, [
        perMember('verify-resend-member'),
        perAddress('verify-resend-address', limits.accountMailPerAddress, HOUR),
      ]),
      schema: {
        operationId: 'resendVerification',
        tags: ['auth'],
        summary: 'Sends the link confirming your address again',
        response: { 202: Ok, ...errors(401, 409, 429) },
      },
    },
    async (req, reply) => {
      await accounts.resendVerification(req.actor, base(req));
      return reply.status(202).send({ ok: true });
    },
  );

  app.post(
    '/api/me/password',
    {
      preHandler: everyLimit(app, [perMember('password-change-member')]),
      schema: {
        operationId: 'changePassword',
        tags: ['auth'],
        summary: 'Changes your password (the current one is required); your other sessions end',
        body: Type.Object({ current: Password, password: Password }),
        response: { 200: Ok, ...errors(401, 403, 422, 429) },
      },
    },
    async (req) => {
      await accounts.changePassword(req.actor, req.sessionId, req.body, base(req));
      return { ok: true };
    },
  );

  app.post(
    '/api/me/email',
    {
      preHandler: everyLimit(app, [perMember('email-change-member')]),
      schema: {
        operationId: 'changeEmail',
        tags: ['auth'],
        summary: 'Asks to change your address: it changes once confirmed from the link sent to the new one',
        body: Type.Object({ password: Password, email: Type.String({ maxLength: 400 }) }),
        response: { 202: Type.Object({ pendingEmail: Type.String() }), ...errors(401, 403, 409, 422, 429) },
      },
    },
    async (req, reply) => reply.status(202).send(await accounts.changeEmail(req.actor, req.body, base(req))),
  );
}
