import { sql } from 'kysely';
import type { Db } from '../../db/kysely.ts';
import { MailOutboxRepository } from './outbox.repository.ts';
import { isPermanent, type MailTransport } from './transport.ts';

/** Any number taken by no other advisory lock of the app: held by the node that is sending. */
const SENDER_LOCK = 0x6d61696c; // "mail"
/** Attempts before a message is given up (spread by the backoff over about a day). */
export const MAX_ATTEMPTS = 8;

/** 1 min, 2, 4 … capped at 6 h, with ±20 % jitter so that retries from a burst do not arrive together. */
export function backoffMs(attempts: number, random = Math.random): number {
  const base = Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 6 * 3_600_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

export interface DrainResult {
  delivered: number;
  retried: number;
  failed: number;
  /** Another node held the senders' lock: this one sent nothing. */
  busy: boolean;
}

/**
 * Sends the outbox. One sender at a time across nodes: a batch is sent inside a transaction that holds a
 * PostgreSQL advisory lock (`pg_try_advisory_xact_lock`: a node that does not get it leaves the work to the one
 * that has it) and locks its rows `FOR UPDATE SKIP LOCKED`. The outcome of each message is written in that same
 * transaction: if the node dies mid-batch, the rows are still pending and are sent again (at least once, never
 * lost). A refusal for good (SMTP 5xx) fails the message at once; anything else — a timeout, a dead server, a 4xx —
 * is retried with backoff until MAX_ATTEMPTS. Before each drain the `jobs` run (the notification mailer, digests
 * and newsletters), which only write to the outbox.
 */
export class MailWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly db: Db,
    private readonly transport: MailTransport,
    private readonly options: {
      batch: number;
      intervalMs: number;
      timeoutMs: number;
      /** Messages per second at most (0: no cap). */
      ratePerSecond?: number;
      jobs?: (() => Promise<unknown>)[];
      log?: { warn(msg: string): void };
    },
  ) {}

  /** Sends every message due now, batch after batch (at most `maxBatches`); returns the counts. */
  async drain(maxBatches = Infinity): Promise<DrainResult> {
    const total: DrainResult = { delivered: 0, retried: 0, failed: 0, busy: false };
    const rate = this.options.ratePerSecond ?? 0;
    // Under a rate cap, a batch is at most a second's worth, and the pause between batches (taken outside the
    // transaction: no lock or connection held while waiting) keeps the average under the cap.
    const batch = rate > 0 ? Math.max(1, Math.min(this.options.batch, rate)) : this.options.batch;
    for (let n = 0; n < maxBatches; n++) {
      const started = performance.now();
      const round = await this.db.transaction().execute(async (trx) => {
        const { rows } = await sql<{
          locked: boolean;
        }>`SELECT pg_try_advisory_xact_lock(${SENDER_LOCK}) AS locked`.execute(trx);
        if (!rows[0]!.locked) return null;
        const outbox = new MailOutboxRepository(trx);
        const due = await outbox.claimDue(batch);
        const delivered: number[] = [];
        let retried = 0;
        let failed = 0;
        await Promise.all(
          due.map(async (mail) => {
            try {
              await this.withTimeout(
                this.transport.send({
                  to: mail.to_address,
                  subject: mail.subject,
                  text: mail.text_body,
                  html: mail.html_body,
                  messageId: mail.message_id,
                  headers: (mail.headers ?? {}) as Record<string, string>,
                }),
              );
              delivered.push(mail.id);
            } catch (error) {
              const message = error instanceof Error ? error.message : String(error);
              if (isPermanent(error) || mail.attempts + 1 >= MAX_ATTEMPTS) {
                failed++;
                await outbox.markFailed(mail.id, message);
              } else {
                retried++;
                await outbox.markRetry(mail.id, message, new Date(Date.now() + backoffMs(mail.attempts + 1)));
              }
              this.options.log?.warn(`mail ${mail.id} to ${mail.to_address}: ${message}`);
            }
          }),
        );
        await outbox.markDelivered(delivered, this.transport.delivery);
        return { size: due.length, delivered: delivered.length, retried, failed };
      });
      if (round === null) return { ...total, busy: true };
      total.delivered += round.delivered;
      total.retried += round.retried;
      total.failed += round.failed;
      if (round.size < batch) return total;
      if (rate > 0) {
        const wait = (round.size / rate) * 1000 - (performance.now() - started);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
    return total;
  }

  /** The jobs that write mail (notifications, digests, newsletters), then the outbox. */
  async tick(): Promise<DrainResult> {
    for (const job of this.options.jobs ?? []) {
      await job().catch((err: unknown) => this.options.log?.warn(`mail job: ${(err as Error).message}`));
    }
    return this.drain();
  }

  start(): void {
    if (this.options.intervalMs <= 0) return;
    const run = () => {
      if (this.running) return;
      this.running = this.tick()
        .catch((err: unknown) => this.options.log?.warn(`mail worker: ${(err as Error).message}`))
        .finally(() => (this.running = null));
    };
    run();
    this.timer = setInterval(run, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    this.transport.close();
  }

  /**
   * The transport's own timeouts cover each SMTP phase; this one bounds the whole send (a pool waiting on a
   * connection that never frees), so that a batch, and the lock it holds, always ends.
   */
  private withTimeout(sending: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const limit = this.options.timeoutMs * 3;
    return Promise.race([
      sending,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from the mail server within ${limit} ms`)), limit);
      }),
    ]).finally(() => clearTimeout(timer));
  }
}
