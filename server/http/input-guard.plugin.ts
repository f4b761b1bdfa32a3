import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BadRequestError, UnprocessableError } from '../lib/errors.ts';

/**
 * What no route may receive, whatever its schema says: a NUL character or malformed Unicode (PostgreSQL cannot
 * store either, and answered with an error the client caused), and a number that is not finite (`1e400`, which
 * JSON and the schemas' coercion turn into Infinity, past every `maximum`). Checked once for every route after
 * validation, so a new route is covered without remembering to: 400 in the path or query, 422 in the body,
 * naming the field.
 */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preHandler', async (request: FastifyRequest) => {
    for (const [part, value] of [
      ['params', request.params],
      ['query', request.query],
      ['body', request.body],
    ] as const) {
      const found = offending(value, '', 0);
      if (!found) continue;
      const Err = part === 'body' ? UnprocessableError : BadRequestError;
      throw new Err(found.code, `${found.field || part} ${found.message}`, { field: found.field || part });
    }
  });
}

interface Offence {
  field: string;
  code: string;
  message: string;
}

function offending(value: unknown, path: string, depth: number): Offence | null {
  if (typeof value === 'string') {
    if (value.includes('\u0000'))
      return { field: path, code: 'text.nul_character', message: 'contains a NUL character' };
    if (!value.isWellFormed())
      return { field: path, code: 'text.malformed_unicode', message: 'contains malformed Unicode' };
    return null;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? null
      : { field: path, code: 'number.not_finite', message: 'is not a finite number' };
  }
  if (value === null || typeof value !== 'object' || depth > 32) return null;
  for (const [key, item] of Object.entries(value)) {
    const found = offending(item, path ? `${path}.${key}` : key, depth + 1);
    if (found) return found;
  }
  return null;
}
