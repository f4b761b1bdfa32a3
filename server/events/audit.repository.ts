import type { Executor } from '../db/kysely.ts';

/** Who did what to what, and why: written in the same transaction as the change it records. */
export class AuditRepository {
  constructor(private readonly db: Executor) {}

  /** Entries newest first, of one kind of subject when given, before an id (paging). */
  list(options: { subjectType?: string; before?: number; limit: number }) {
    let q = this.db
      .selectFrom('audit_log')
      .leftJoin('members', 'members.id', 'audit_log.actor_id')
      .select([
        'audit_log.id',
        'audit_log.action',
        'audit_log.subject_type',
        'audit_log.subject_id',
        'audit_log.actor_id',
        'audit_log.data',
        'audit_log.created_at',
        'members.username as actor_username',
      ])
      .orderBy('audit_log.id', 'desc')
      .limit(options.limit);
    if (options.subjectType) q = q.where('audit_log.subject_type', '=', options.subjectType);
    if (options.before) q = q.where('audit_log.id', '<', options.before);
    return q.execute();
  }

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
