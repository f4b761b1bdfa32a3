import type { ChangeFeed } from '../../db/change-feed.ts';
import type { Db } from '../../db/kysely.ts';
import type { LiveEventName } from '../../events/live-catalogue.ts';
import { LiveEventsRepository } from './live-events.repository.ts';

/** A `live_events` row; `type` and `data` follow the catalogue (server/events/live-catalogue.ts), which a test holds the triggers to. */
export interface LiveEvent {
  id: number;
  topic: string;
  type: LiveEventName;
  data: unknown;
  at: string;
}

/** One socket as the hub sees it: it receives each event once, already serialised. */
export interface LiveSubscriber {
  deliver(event: LiveEvent, json: string): void;
}

export interface LiveHubOptions {
  /**
   * The node's change feed (server/db/change-feed.ts): the hub hears `agora_live` on its connection and reads the
   * next events through it. Without one that listens, the hub only polls.
   */
  feed?: ChangeFeed;
  /** Fallback poll (missed notifications, lost LISTEN connection). */
  pollMs?: number;
  /** How long a hole in the ids waits for a slower transaction to commit before it is passed over. */
  gapWaitMs?: number;
  /** How long events stay available for catch-up. */
  keepSeconds?: number;
  log?: { warn(msg: string): void };
  /**
   * Told of every event before any socket hears of it: the node's caches forget what the event changed, so a
   * client that refetches on an event never gets what it had (the thread pages, see app.ts).
   */
  beforeDispatch?: (event: LiveEvent) => void;
}

const BATCH = 1000;

/**
 * Each node's fan-out of `live_events` (migration 0009). At commit PostgreSQL notifies every node; the hub reads
 * the rows after its cursor in id order and hands each to the subscribers of its topic. Ids are taken when a row
 * is written, not when it commits: a hole in the ids is waited for (a slower transaction still committing) for up
 * to `gapWaitMs`, then passed over (a rolled-back one), so every node delivers in the same order.
 */
export class LiveHub {
  private cursor = 0;
  private readonly topics = new Map<string, Set<LiveSubscriber>>();
  private started = false;
  private timers: NodeJS.Timeout[] = [];
  private reading: Promise<void> | null = null;
  private again = false;
  private gapSince: number | null = null;
  private stopped = false;
  private readonly opts: Required<Omit<LiveHubOptions, 'feed' | 'log' | 'beforeDispatch'>> &
    Pick<LiveHubOptions, 'feed' | 'log' | 'beforeDispatch'>;
  private readonly events: LiveEventsRepository;
  /** Events delivered by this node (for tests and the bench). */
  delivered = 0;

  constructor(db: Db, options: LiveHubOptions = {}) {
    const feed = options.feed;
    this.events = new LiveEventsRepository(db, () => feed?.connection ?? null);
    this.opts = { pollMs: feed?.canListen ? 2000 : 250, gapWaitMs: 2000, keepSeconds: 86_400, ...options };
    // A notification says there is something to read; a feed that listens again (or stopped) leaves unknown
    // what was said meanwhile: read now rather than at the next poll.
    feed?.subscribe('agora_live', { notice: () => this.kick(), reset: () => this.kick() });
  }

  /** The id of the last event this node has delivered. */
  get last(): number {
    return this.cursor;
  }

  async start(): Promise<void> {
    this.cursor = await this.events.maxId();
    this.started = true;
    this.timers.push(setInterval(() => this.kick(), this.opts.pollMs));
    this.timers.push(
      setInterval(
        () => void this.prune().catch((e) => this.opts.log?.warn(`live: prune failed: ${e.message}`)),
        60_000,
      ),
    );
    for (const t of this.timers) t.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.reading;
  }

  subscribe(topic: string, subscriber: LiveSubscriber): void {
    let set = this.topics.get(topic);
    if (!set) this.topics.set(topic, (set = new Set()));
    set.add(subscriber);
  }

  unsubscribe(topic: string, subscriber: LiveSubscriber): void {
    const set = this.topics.get(topic);
    if (!set) return;
    set.delete(subscriber);
    if (set.size === 0) this.topics.delete(topic);
  }

  /** Reads now (a notification arrived, or the poll). Concurrent calls fold into one more read. */
  kick(): void {
    // Before start the cursor is not placed yet: start reads from the last event.
    if (this.stopped || !this.started) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.read()
      .catch((err) => {
        // A read on the feed's connection fails when it is lost or closed (the node stopping): the feed says so
        // itself, and the poll or its return reads again.
        if (this.opts.feed?.canListen && !this.opts.feed.active) return;
        this.opts.log?.warn(`live: read failed: ${(err as Error).message}`);
      })
      .finally(() => {
        this.reading = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Waits until everything committed so far has been delivered (tests). */
  async settle(): Promise<void> {
    const target = await this.events.maxId();
    while (this.cursor < target) {
      this.kick();
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private async read(): Promise<void> {
    for (;;) {
      const rows = await this.events.after(this.cursor, BATCH);
      for (const r of rows) {
        const id = Number(r.id);
        if (id !== this.cursor + 1) {
          this.gapSince ??= Date.now();
          if (Date.now() - this.gapSince < this.opts.gapWaitMs) {
            setTimeout(() => this.kick(), 50).unref();
            return;
          }
        }
        this.gapSince = null;
        this.cursor = id;
        this.dispatch({
          id,
          topic: r.topic,
          type: r.type as LiveEventName,
          data: r.data,
          at: new Date(r.created_at).toISOString(),
        });
      }
      if (rows.length < BATCH) return;
    }
  }

  private dispatch(event: LiveEvent): void {
    this.opts.beforeDispatch?.(event);
    const subscribers = this.topics.get(event.topic);
    if (!subscribers || subscribers.size === 0) return;
    const json = frame(event);
    for (const s of subscribers) {
      this.delivered++;
      s.deliver(event, json);
    }
  }

  /**
   * The events of these topics after `since`, up to what this node has delivered; null when some of them are
   * no longer kept (the client must reload).
   */
  async replay(topics: string[], since: number): Promise<LiveEvent[] | null> {
    if (since > this.cursor) return null;
    const upTo = this.cursor;
    const [horizon, rows] = await Promise.all([this.events.minId(), this.events.ofTopics(topics, since, upTo, 500)]);
    const oldest = horizon ?? upTo + 1;
    if (since + 1 < oldest || rows.length === 500) return null;
    return rows.map((r) => ({
      id: Number(r.id),
      topic: r.topic,
      type: r.type as LiveEventName,
      data: r.data,
      at: new Date(r.created_at).toISOString(),
    }));
  }

  /** Drops events older than the catch-up window (any node may do it; it is idempotent). */
  async prune(): Promise<void> {
    await this.events.prune(this.opts.keepSeconds);
  }
}

/** The message a socket receives for an event. */
export function frame(e: LiveEvent): string {
  return JSON.stringify({ type: 'event', id: e.id, topic: e.topic, event: e.type, data: e.data, at: e.at });
}
