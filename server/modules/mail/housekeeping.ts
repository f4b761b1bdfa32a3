import type { Db } from '../../db/kysely.ts';
import { MailOutboxRepository } from './outbox.repository.ts';

const HOUR = 3_600_000;

/**
 * Once an hour (on whichever node's worker gets there; the deletes are idempotent): messages dealt with more
 * than `keepDays` ago leave the outbox, and the other purges given (dead links) run.
 */
export class MailHousekeeping {
  private last = 0;

  constructor(
    private readonly db: Db,
    private readonly keepDays: number,
    private readonly others: (() => Promise<unknown>)[] = [],
  ) {}

  async run(now = Date.now()): Promise<number> {
    if (now - this.last < HOUR) return 0;
    this.last = now;
    const purged = await new MailOutboxRepository(this.db).purge(new Date(now - this.keepDays * 24 * HOUR));
    for (const other of this.others) await other();
    return purged;
  }
}
