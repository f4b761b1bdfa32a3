import type { Executor } from '../db/kysely.ts';

/** Who did what to what, and why: written in the same transaction as the change it records. */
export class AuditRepository {
  constructor(private readonly db: Executor) {}

  record(entry: {
    actorId: number | null;
    action: string;
    subjectType: string;
    subjectId: string | number;
    data?: unknown;
  }) {
    return this.db
      .insertInto('audit_log')
      .values({
        actor_id: entry.actorId,
        action: entry.action,
        subject_type: entry.subjectType,
        subject_id: String(entry.subjectId),
        data: JSON.stringify(entry.data ?? {}),
      })
      .execute();
  }
}
