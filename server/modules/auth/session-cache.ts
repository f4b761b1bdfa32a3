import { LRUCache } from 'lru-cache';
import pg from 'pg';

/** What a node keeps of a session: the row `SessionRepository.getWithMember` read. */
type Row<T> = T & { member_id: number };

export interface SessionCacheOptions {
  /** A connection string for LISTEN; without it nothing is cached (no way to hear of a logout elsewhere). */
  databaseUrl?: string;
  /** How long an entry may serve at most (a safety net: invalidation comes from notifications). 0: no cache. */
  ttlSeconds: number;
  max?: number;
  log?: { warn(msg: string): void };
}

/**
 * Sessions kept per node (issue 20): a member's reads skip the session query. It only serves while the node is
 * listening on `agora_sessions` (migration 0039): PostgreSQL notifies every node at commit when a session is
 * deleted or a member's role, trust level, sanctions or name change, whoever wrote them; the node forgets those
 * entries. A lost connection empties the cache and turns it off until the node listens again.
 *
 * Reading one's own writes: a request that changed something on this node marks the cache (`wrote`), which sends
 * one round trip on the listening connection at once; once it is answered, PostgreSQL has delivered every
 * notification of what committed before (it sends them ahead of the query's answer). A read the cache would serve
 * waits until a round trip sent after the writes that concern it was answered: usually already done, since it
 * left with the write's answer. A write marked for one member (`wrote(memberId)`: a route that changes only its
 * actor's own session-relevant figures, such as a reply moving their trust level) concerns only that member's
 * reads; any other write concerns every read. Requests that change state never use the cache at all (see
 * session.plugin.ts): they act on the database's word.
 */
export class SessionCache<T extends object> {
  private readonly entries: LRUCache<string, Row<T>> | null;
  private listener: pg.Client | null = null;
  private stopped = false;
  /** Writes marked so far, and how many of them a round trip on the listening connection answered since. */
  private writes = 0;
  private synced = 0;
  /** The last write that concerns every read, and the last one of each member that concerns their reads only. */
  private lastForAll = 0;
  private readonly lastOf = new Map<number, number>();
  private syncing: Promise<void> | null = null;
  /** Moves on every forget: a row read from the database before a forget is not kept after it. */
  private generation = 0;
  /** Notifications handled, and reads that waited for a round trip (tests). */
  forgotten = 0;
  waited = 0;

  constructor(private readonly opts: SessionCacheOptions) {
    this.entries =
      opts.databaseUrl && opts.ttlSeconds > 0
        ? new LRUCache({ max: opts.max ?? 50_000, ttl: opts.ttlSeconds * 1000 })
        : null;
  }

  /** Is the cache serving (configured, and listening right now)? */
  get active(): boolean {
    return this.entries !== null && this.listener !== null;
  }

  async start(): Promise<void> {
    if (!this.entries) return;
    await this.listen();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const listener = this.listener;
    this.listener = null;
    this.entries?.clear();
    await listener?.end().catch(() => {});
  }

  /**
   * The cached row of a session, once every invalidation committed before this node's last write that concerns it
   * (any write but another member's own, see `wrote`) arrived.
   */
  async get(id: string): Promise<Row<T> | undefined> {
    const kept = this.active ? this.entries!.get(id) : undefined;
    if (!kept) return undefined;
    const needed = Math.max(this.lastForAll, this.lastOf.get(kept.member_id) ?? 0);
    if (this.synced >= needed) return kept;
    this.waited++;
    while (this.active && this.synced < needed) await this.sync();
    if (!this.active) return undefined;
    return this.entries!.get(id);
  }

  /** Where the cache stands before a database read of a session (pass it to `set`). */
  mark(): number {
    return this.generation;
  }

  /** Keeps a row read from the database, unless something was forgotten since its read began (`mark`). */
  set(id: string, row: Row<T>, mark: number): void {
    if (this.active && mark === this.generation) this.entries!.set(id, row);
  }

  /**
   * Something on this node may have changed a session or a member: the next cached read syncs first. With
   * `memberId`, only that member's sessions may have changed (reads of other members' sessions do not wait).
   */
  wrote(memberId?: number): void {
    if (!this.active) return;
    const write = ++this.writes;
    if (memberId === undefined) this.lastForAll = write;
    else this.lastOf.set(memberId, write);
    void this.sync();
  }

  forgetSession(id: string): void {
    this.generation++;
    this.entries?.delete(id);
  }

  forgetMember(memberId: number): void {
    this.generation++;
    if (!this.entries) return;
    for (const [id, row] of this.entries.entries()) if (row.member_id === memberId) this.entries.delete(id);
  }

  /** One round trip on the listening connection (one at a time), covering the writes marked before it left. */
  private sync(): Promise<void> {
    if (!this.syncing) {
      const covers = this.writes;
      const listener = this.listener!;
      this.syncing = listener
        .query('SELECT 1')
        .then(() => {
          this.synced = Math.max(this.synced, covers);
          for (const [member, write] of this.lastOf) if (write <= this.synced) this.lastOf.delete(member);
        })
        .catch(() => this.lost(listener, new Error('sync failed')))
        .finally(() => (this.syncing = null));
    }
    return this.syncing;
  }

  private handle(payload: string | undefined): void {
    if (!payload) return;
    this.forgotten++;
    if (payload.startsWith('s:')) this.forgetSession(payload.slice(2));
    else if (payload.startsWith('m:')) this.forgetMember(Number(payload.slice(2)));
  }

  private lost(client: pg.Client, err: Error): void {
    if (this.listener !== client) return;
    this.opts.log?.warn(`sessions: LISTEN connection lost (${err.message}); no session cache until it is back`);
    this.listener = null;
    this.generation++;
    this.entries?.clear();
    void client.end().catch(() => {});
    if (!this.stopped) setTimeout(() => void this.listen().catch(() => {}), 1000).unref();
  }

  private async listen(): Promise<void> {
    if (this.stopped || !this.opts.databaseUrl) return;
    const client = new pg.Client({ connectionString: this.opts.databaseUrl });
    client.on('notification', (n) => this.handle(n.payload));
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    await client.connect();
    await client.query('LISTEN agora_sessions');
    // Whatever changed while nobody listened is unknown: start empty.
    this.generation++;
    this.entries?.clear();
    this.listener = client;
  }
}
