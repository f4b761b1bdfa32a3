import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { DateTime, errors, IdParams } from '../../http/schemas.ts';
import type { ScheduleService } from './schedule.service.ts';

/** The publication calendar: reschedule or withdraw a scheduled thread (community managers; audited). */
export async function scheduleRoutes(fastify: FastifyInstance, { schedule }: { schedule: ScheduleService }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.patch(
    '/api/threads/:id/schedule',
    {
      schema: {
        operationId: 'rescheduleThread',
        tags: ['forum'],
        summary: 'Move a scheduled thread to another time, within the next year (community managers)',
        params: IdParams,
        body: Type.Object({ publishAt: DateTime }),
        response: {
          200: Type.Object({ id: Type.Integer(), publishAt: DateTime }),
          ...errors(401, 403, 404, 422),
        },
      },
    },
    async (req) => schedule.reschedule(req.actor, req.params.id, req.body.publishAt),
  );

  app.delete(
    '/api/threads/:id/schedule',
    {
      schema: {
        operationId: 'cancelScheduledThread',
        tags: ['forum'],
        summary: 'Withdraw a scheduled thread: it will not come out (community managers)',
        params: IdParams,
        response: {
          200: Type.Object({ id: Type.Integer(), cancelled: Type.Boolean() }),
          ...errors(401, 403, 404),
        },
      },
    },
    async (req) => schedule.cancel(req.actor, req.params.id),
  );
}
