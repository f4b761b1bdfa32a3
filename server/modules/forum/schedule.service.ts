import { type Actor, authorize } from '../../access/access.ts';
import { ThreadsRepository } from '../../content/index.ts';
import type { Db } from '../../db/kysely.ts';
import { AuditRepository } from '../../events/audit.repository.ts';
import { NotFoundError, UnprocessableError } from '../../lib/errors.ts';

const YEAR = 366 * 86_400_000;

/**
 * The publication calendar's changes (community managers): move a scheduled thread to another time, or withdraw
 * it. Each is audited with what it was; a thread already out is no longer the calendar's (404).
 */
export class ScheduleService {
  constructor(private readonly db: Db) {}

  async reschedule(actorOrNull: Actor | null, threadId: number, publishAt: string) {
    const actor = authorize(actorOrNull, 'thread.schedule');
    const at = new Date(publishAt);
    if (Number.isNaN(at.getTime()) || at.getTime() <= Date.now() || at.getTime() > Date.now() + YEAR) {
      throw new UnprocessableError('thread.publish_at_invalid', 'Choose a publication time within the next year.', {
        field: 'publishAt',
      });
    }
    return this.db.transaction().execute(async (trx) => {
      const threads = new ThreadsRepository(trx);
      const before = await threads.getById(threadId);
      const moved = await threads.reschedule(threadId, at);
      if (!before || !moved) throw new NotFoundError('thread.not_scheduled', 'This thread is not scheduled.');
      await new AuditRepository(trx).record({
        actorId: actor.id,
        action: 'thread.rescheduled',
        subjectType: 'thread',
        subjectId: String(threadId),
        data: { from: before.publish_at?.toISOString() ?? null, to: at.toISOString() },
      });
      return { id: moved.id, publishAt: at.toISOString() };
    });
  }

  async cancel(actorOrNull: Actor | null, threadId: number) {
    const actor = authorize(actorOrNull, 'thread.schedule');
    return this.db.transaction().execute(async (trx) => {
      const cancelled = await new ThreadsRepository(trx).cancelScheduled(threadId);
      if (!cancelled) throw new NotFoundError('thread.not_scheduled', 'This thread is not scheduled.');
      await new AuditRepository(trx).record({
        actorId: actor.id,
        action: 'thread.schedule_cancelled',
        subjectType: 'thread',
        subjectId: String(threadId),
        data: { title: cancelled.title, publishAt: cancelled.publish_at?.toISOString() ?? null },
      });
      return { id: threadId, cancelled: true };
    });
  }
}
