import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../config.ts';
import { errors } from '../../http/schemas.ts';
import {
  BacktestBody,
  BacktestResponse,
  CheckBody,
  CheckResponse,
  RuleCreateBody,
  RuleSchema,
  RuleUpdateBody,
} from './netiquette.schemas.ts';
import type { NetiquetteService } from './netiquette.service.ts';

const KeyParams = Type.Object({ key: Type.String({ maxLength: 60 }) });

export async function netiquetteRoutes(
  fastify: FastifyInstance,
  { netiquette, config }: { netiquette: NetiquetteService; config: Config },
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/api/netiquette/check',
    {
      config: {
        rateLimit: {
          max: config.rateLimits.preview,
          timeWindow: '1 minute',
          keyGenerator: (req: { actor: { id: number } | null; ip: string }) => `check:${req.actor?.id ?? req.ip}`,
        },
      },
      schema: {
        operationId: 'checkNetiquette',
        tags: ['netiquette'],
        summary:
          'What the netiquette would say of this text, while the member types. Nothing is stored. Staff also get why each rule fired or did not.',
        body: CheckBody,
        response: { 200: CheckResponse, ...errors(401, 413, 422, 429) },
      },
    },
    async (req) =>
      netiquette.check(req.actor, {
        title: req.body.title,
        body: req.body.body,
        categoryId: req.body.categoryId ?? null,
      }),
  );

  app.get(
    '/api/netiquette/rules',
    {
      schema: {
        operationId: 'listRules',
        tags: ['netiquette'],
        summary:
          'Every rule with its settings, hits over 30 days and measured precision (moderators read, community managers edit)',
        response: { 200: Type.Object({ rules: Type.Array(RuleSchema) }), ...errors(401, 403) },
      },
    },
    async (req) => ({ rules: await netiquette.listRules(req.actor) }),
  );

  app.post(
    '/api/netiquette/rules',
    {
      schema: {
        operationId: 'createRule',
        tags: ['netiquette'],
        summary: 'Add a rule: a word or phrase list, or a regular expression (RE2 syntax: no backreferences)',
        body: RuleCreateBody,
        response: { 201: RuleSchema, ...errors(401, 403, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await netiquette.createRule(req.actor, req.body)),
  );

  app.patch(
    '/api/netiquette/rules/:key',
    {
      schema: {
        operationId: 'updateRule',
        tags: ['netiquette'],
        summary: 'Change a rule: action, scope, words, pattern, messages, or a built-in detector’s settings',
        params: KeyParams,
        body: RuleUpdateBody,
        response: { 200: RuleSchema, ...errors(401, 403, 404, 422) },
      },
    },
    async (req) => netiquette.updateRule(req.actor, req.params.key, req.body),
  );

  app.delete(
    '/api/netiquette/rules/:key',
    {
      schema: {
        operationId: 'deleteRule',
        tags: ['netiquette'],
        summary: 'Delete a community manager’s rule (built-in rules are disabled instead)',
        params: KeyParams,
        response: { 200: Type.Object({ ok: Type.Boolean() }), ...errors(401, 403, 404, 422) },
      },
    },
    async (req) => {
      await netiquette.deleteRule(req.actor, req.params.key);
      return { ok: true };
    },
  );

  app.post(
    '/api/netiquette/rules/backtest',
    {
      schema: {
        operationId: 'backtestRule',
        tags: ['netiquette'],
        summary: 'Run a draft rule over the latest published posts and show what it would have hit',
        body: BacktestBody,
        response: { 200: BacktestResponse, ...errors(401, 403, 422) },
      },
    },
    async (req) => netiquette.backtest(req.actor, req.body, req.body.limit ?? 500),
  );
}
