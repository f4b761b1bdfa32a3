import pg from 'pg';

/** What a channel's subscriber does with the feed: a notification's payload, and "forget everything". */
export interface ChangeSubscriber {
  notice(payload: string): void;
  /**
   * Whatever changed while nobody listened is unknown: the connection was lost (`listening` false) or is new
   * (true, the feed serves from now on).
   */
  reset(listening: boolean): void;
}

export interface ChangeFeedOptions {
  /** A connection string for LISTEN; without it the feed never listens and caches built on it stay off. */
  databaseUrl?: string;
  log?: { warn(msg: string): void };
}

/**
 * A node's ear on PostgreSQL's notifications (issue 20): one connection that LISTENs on the channels the node
 * subscribes to (its caches' sessions and thread pages, the live hub's events). One connection, not one per
 * subscriber: a commit that notifies several channels wakes one PostgreSQL process and one socket read on the
 * node, not one per channel. PostgreSQL sends a notification at commit, whatever wrote the row
 * (a route, a job, the CLI, psql), so a cache that forgets what a notification names stays right across nodes. A
 * lost connection resets every subscriber and the feed stops serving until it listens again; a connection that
 * died without a word (a dropped idle TCP connection, a failover) is found by TCP keep-alive and a round trip
 * every HEARTBEAT_MS that must be answered within PING_MS.
 *
 * Reading one's own writes: a request that changed something on this node marks the feed (`wrote`), which sends
 * one round trip on the listening connection at once; once it is answered, PostgreSQL has delivered every
 * notification of what committed before (it sends them ahead of the query's answer). A cached read waits until a
 * round trip sent after the writes that concern it was answered (`settle`): usually already done, since it left
 * with the write's answer. A write marked for one member (`wrote(memberId)`: a route that changes only its actor's
 * own session-relevant figures) concerns only reads made for that member; any other write concerns every read.
 */
/** How long a round trip on the listening connection may take, and how often an idle one is checked. */
const PING_MS = 5000;
const HEARTBEAT_MS = 10_000;

export class ChangeFeed {
  private listener: pg.Client | null = null;
  private readonly subscribers = new Map<string, ChangeSubscriber>();
  private stopped = false;
  /** Writes marked so far, and how many of them a round trip on the listening connection answered since. */
  private writes = 0;
  private synced = 0;
  /** The last write that concerns every read, and the last one of each member that concerns their reads only. */
  private lastForAll = 0;
  private readonly lastOf = new Map<number, number>();
  private syncing: Promise<void> | null = null;
  private beat: NodeJS.Timeout | null = null;
  /** Notifications handled (tests). */
  heard = 0;

  constructor(private readonly opts: ChangeFeedOptions) {}

  /** Hears `channel` from the next time the feed listens (subscribe before `start`). */
  subscribe(channel: string, subscriber: ChangeSubscriber): void {
    if (this.listener) throw new Error(`subscribe to ${channel} before the feed starts`);
    if (!/^[a-z_]+$/.test(channel)) throw new Error(`not a channel name: ${channel}`); // LISTEN takes no parameter
    this.subscribers.set(channel, subscriber);
  }

  /** Will the feed listen once started (it has a database to listen to)? */
  get canListen(): boolean {
    return this.opts.databaseUrl !== undefined;
  }

  /**
   * The listening connection while it listens, for a subscriber's hot reads that must not wait for the pool (the
   * live hub's next events); null otherwise.
   */
  get connection(): pg.Client | null {
    return this.listener;
  }

  /** Is the feed listening right now (so that what it has not said did not change)? */
  get active(): boolean {
    return this.listener !== null;
  }

  async start(): Promise<void> {
    if (!this.opts.databaseUrl || this.subscribers.size === 0) return;
    await this.listen();
    this.beat = setInterval(() => this.heartbeat(), HEARTBEAT_MS);
    this.beat.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.beat) clearInterval(this.beat);
    const listener = this.listener;
    this.listener = null;
    for (const subscriber of this.subscribers.values()) subscriber.reset(false);
    await listener?.end().catch(() => {});
  }

  /**
   * Something on this node may have changed what the caches hold: reads that concern it wait for one round trip.
   * With `memberId`, only reads made for that member (see `settle`).
   */
  wrote(memberId?: number): void {
    if (!this.active) return;
    const write = ++this.writes;
    if (memberId === undefined) this.lastForAll = write;
    else this.lastOf.set(memberId, write);
    void this.sync();
  }

  /**
   * Has every notification of this node's writes that concern a read arrived? `forMember`: a read made for that
   * member (every write but another member's own); `'every'`: a read that any write may concern.
   */
  settled(forMember: number | 'every'): boolean {
    return this.synced >= this.needed(forMember);
  }

  /** Waits until `settled`; false when the feed stopped listening meanwhile (the cache must not serve). */
  async settle(forMember: number | 'every'): Promise<boolean> {
    const needed = this.needed(forMember);
    while (this.active && this.synced < needed) await this.sync();
    return this.active;
  }

  private needed(forMember: number | 'every'): number {
    return forMember === 'every' ? this.writes : Math.max(this.lastForAll, this.lastOf.get(forMember) ?? 0);
  }

  /** One round trip on the listening connection (one at a time), covering the writes marked before it left. */
  private sync(): Promise<void> {
    if (!this.syncing) {
      const covers = this.writes;
      const listener = this.listener!;
      this.syncing = this.ping(listener)
        .then(() => {
          this.synced = Math.max(this.synced, covers);
          for (const [member, write] of this.lastOf) if (write <= this.synced) this.lastOf.delete(member);
        })
        .catch((err: Error) => this.lost(listener, err))
        .finally(() => (this.syncing = null));
    }
    return this.syncing;
  }

  /**
   * A round trip that fails unless answered within PING_MS: a connection that died without a word (a dropped idle
   * TCP connection, a failover) must not be trusted to have said everything (`heartbeat` checks it when idle).
   */
  private ping(listener: pg.Client): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${PING_MS} ms`)), PING_MS);
    });
    return Promise.race([listener.query('SELECT 1').then(() => undefined), late]).finally(() => clearTimeout(timer));
  }

  private heartbeat(): void {
    const listener = this.listener;
    if (listener && !this.syncing) void this.sync();
  }

  private handle(channel: string, payload: string): void {
    this.heard++;
    this.subscribers.get(channel)?.notice(payload);
  }

  private lost(client: pg.Client, err: Error): void {
    if (this.listener !== client) return;
    this.opts.log?.warn(`change feed: LISTEN connection lost (${err.message}); caches off until it is back`);
    this.listener = null;
    for (const subscriber of this.subscribers.values()) subscriber.reset(false);
    void client.end().catch(() => {});
    this.retry();
  }

  private retry(): void {
    if (this.stopped) return;
    setTimeout(() => {
      this.listen().catch((err: Error) => {
        this.opts.log?.warn(`change feed: cannot listen (${err.message}); trying again`);
        this.retry();
      });
    }, 1000).unref();
  }

  private async listen(): Promise<void> {
    if (this.stopped || !this.opts.databaseUrl) return;
    const client = new pg.Client({
      connectionString: this.opts.databaseUrl,
      application_name: 'agora-feed',
      keepAlive: true,
    });
    client.on('notification', (n) => this.handle(n.channel, n.payload ?? ''));
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      for (const channel of this.subscribers.keys()) await client.query(`LISTEN ${channel}`);
    } catch (err) {
      void client.end().catch(() => {});
      throw err;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    // Whatever changed while nobody listened is unknown: start empty.
    for (const subscriber of this.subscribers.values()) subscriber.reset(true);
    this.listener = client;
  }
}
