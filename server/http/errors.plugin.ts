import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../lib/errors.ts';

/** The one error handler: every error leaves as `{ error: { code, message, details? } }` with its status. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    if (err instanceof AppError) {
      if (err.status === 429 && err.details && typeof err.details === 'object' && 'retryAfterSeconds' in err.details) {
        reply.header('retry-after', String((err.details as { retryAfterSeconds: number }).retryAfterSeconds));
      }
      if (err.status === 503) {
        request.log.warn({ err: err.cause ?? err }, err.message);
        reply.header('retry-after', '5');
      }
      return reply.status(err.status).send({ error: { code: err.code, message: err.message, details: err.details } });
    }
    const e = err as FastifyError;
    if (e.validation) {
      // Malformed request shape (query, params) is a 400; a well-formed body with unacceptable content is a 422.
      const status = e.validationContext === 'body' ? 422 : 400;
      const details = e.validation.map((v) => ({
        field: fieldOf(v.instancePath, v.params),
        message: v.message ?? 'is invalid',
      }));
      return reply.status(status).send({
        error: {
          code: 'validation.failed',
          message: `Invalid ${e.validationContext ?? 'request'}: ${details.map((d) => `${d.field || e.validationContext} ${d.message}`).join('; ')}`,
          details,
        },
      });
    }
    const known: Record<string, [number, string, string]> = {
      FST_ERR_CTP_INVALID_JSON_BODY: [400, 'request.malformed_json', 'The request body is not valid JSON.'],
      FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'request.empty_body', 'The request body is empty but JSON was announced.'],
      FST_ERR_CTP_BODY_TOO_LARGE: [413, 'request.too_large', 'The request body is too large.'],
      FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'request.unsupported_media_type', 'Send the body as application/json.'],
      FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
        400,
        'request.bad_content_length',
        'Content-Length does not match the body.',
      ],
    };
    const mapped = e.code ? known[e.code] : undefined;
    if (mapped) {
      return reply.status(mapped[0]).send({ error: { code: mapped[1], message: mapped[2] } });
    }
    if (e instanceof SyntaxError && (e as { statusCode?: number }).statusCode === 400) {
      return reply
        .status(400)
        .send({ error: { code: 'request.malformed_json', message: 'The request body is not valid JSON.' } });
    }
    const status = e.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.status(status).send({ error: { code: 'request.invalid', message: e.message } });
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'internal', message: 'Something went wrong on our side.' } });
  });
}

function fieldOf(instancePath: string, params: Record<string, unknown> | undefined): string {
  const path = instancePath.replace(/^\//, '').replace(/\//g, '.');
  const missing = params && typeof params.missingProperty === 'string' ? params.missingProperty : '';
  const extra = params && typeof params.additionalProperty === 'string' ? params.additionalProperty : '';
  return [path, missing || extra].filter(Boolean).join('.');
}
