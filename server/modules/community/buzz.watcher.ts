import type { Db } from '../../db/kysely.ts';
import { BuzzRepository } from './buzz.repository.ts';
import type { HealthService } from './health.service.ts';
import { postSentiment } from './sentiment.ts';

/** Posts of the alert's window (35 days) written before their tone was scored, scored per check. */
const BACKFILL_BATCH = 2_000;

/**
 * Watches for bad buzz: every `intervalMs` each node computes the alerts of the health dashboard, and a new one
 * (recorded once in `buzz_alerts`, whichever node sees it first) becomes a notification to every community
 * manager and admin, in the same transaction, which reaches them live.
 */
export class BuzzWatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | null = null;
  private backfilled = false;

  constructor(
    private readonly db: Db,
    private readonly health: HealthService,
    private readonly intervalMs: number,
    private readonly log: { warn(msg: string): void } = { warn: () => {} },
  ) {}

  /**
   * Scores the tone of recent posts that have none: those written before scoring existed (migration 0018).
   * New posts are scored as they are written, so once a batch comes back short there is nothing left to do.
   * Returns how many were scored.
   */
  async backfill(limit = BACKFILL_BATCH): Promise<number> {
    if (this.backfilled) return 0;
    const rows = await new BuzzRepository(this.db).unscored(limit);
    if (rows.length < limit) this.backfilled = true;
    if (rows.length === 0) return 0;
    const scores = rows.map((r) => postSentiment(r.body_md, r.number === 1 ? r.title : null));
    await new BuzzRepository(this.db).setSentiments(
      rows.map((r) => r.id),
      scores,
    );
    return rows.length;
  }

  /** Announces the alerts not announced yet; returns their keys. */
  async check(): Promise<string[]> {
    await this.backfill();
    const alerts = await this.health.alerts();
    const today = new Date().toISOString().slice(0, 10);
    const found = [
      ...alerts.days.map((d) => ({ key: `day:${d.day}`, data: { day: d.day, signals: d.signals, usual: d.usual } })),
      ...alerts.threads.map((t) => ({
        key: `thread:${t.threadId}:${today}`,
        data: { threadId: t.threadId, threadTitle: t.title, signals: t.signals },
      })),
    ];
    const announced: string[] = [];
    for (const alert of found) {
      const fresh = await this.db.transaction().execute(async (trx) => {
        const buzz = new BuzzRepository(trx);
        if (!(await buzz.recordAlert(alert.key))) return false;
        await buzz.notifyManagers(alert.data);
        return true;
      });
      if (fresh) announced.push(alert.key);
    }
    return announced;
  }

  start(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.check()
        .catch((err) => this.log.warn(`buzz watcher: ${(err as Error).message}`))
        .finally(() => (this.running = null));
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
