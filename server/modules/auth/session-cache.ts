import { LRUCache } from 'lru-cache';
import type { ChangeFeed } from '../../db/change-feed.ts';

/** What a node keeps of a session: the row `SessionRepository.getWithMember` read. */
type Row<T> = T & { member_id: number };

export interface SessionCacheOptions {
  /** The node's notifications; without one (or while it does not listen) nothing is cached. */
  feed?: ChangeFeed;
  /** How long an entry may serve at most (a safety net: invalidation comes from notifications). 0: no cache. */
  ttlSeconds: number;
  max?: number;
}

/**
 * Sessions kept per node (issue 20): a member's reads skip the session query. It only serves while the node's
 * change feed listens on `agora_sessions` (migration 0039): PostgreSQL notifies every node at commit when a
 * session is deleted or a member's role, trust level, sanctions or name change, whoever wrote them; the node
 * forgets those entries. A lost connection empties the cache and turns it off until the node listens again.
 *
 * A read waits for the notifications of this node's writes that concern its member (ChangeFeed.wrote): a write
 * marked for one member (a route that changes only its actor's own figures, such as a reply moving their trust
 * level) concerns only that member's reads; any other write concerns every read. Requests that change state never
 * use the cache at all (see session.plugin.ts): they act on the database's word.
 */
export class SessionCache<T extends object> {
  private readonly entries: LRUCache<string, Row<T>> | null;
  /** Moves on every forget: a row read from the database before a forget is not kept after it. */
  private generation = 0;
  /** Notifications handled, and reads that waited for a round trip (tests). */
  forgotten = 0;
  waited = 0;

  constructor(private readonly opts: SessionCacheOptions) {
    this.entries =
      opts.feed && opts.ttlSeconds > 0 ? new LRUCache({ max: opts.max ?? 50_000, ttl: opts.ttlSeconds * 1000 }) : null;
    if (this.entries) {
      opts.feed!.subscribe('agora_sessions', {
        notice: (payload) => this.handle(payload),
        reset: () => {
          this.generation++;
          this.entries?.clear();
        },
      });
    }
  }

  /** Is the cache serving (configured, and its feed listening right now)? */
  get active(): boolean {
    return this.entries !== null && this.opts.feed!.active;
  }

  /**
   * The cached row of a session, once every invalidation committed before this node's last write that concerns it
   * (any write but another member's own) arrived.
   */
  async get(id: string): Promise<Row<T> | undefined> {
    const kept = this.active ? this.entries!.get(id) : undefined;
    if (!kept) return undefined;
    const feed = this.opts.feed!;
    if (feed.settled(kept.member_id)) return kept;
    this.waited++;
    if (!(await feed.settle(kept.member_id))) return undefined;
    return this.entries!.get(id);
  }

  /**
   * The cached row as kept, without waiting for the notices of this node's writes: only for a write that reads the
   * session from the database beside its first statements and decides on that (session.plugin's `sessionCheck`).
   */
  peek(id: string): Row<T> | undefined {
    return this.active ? this.entries!.get(id) : undefined;
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
   * A request on this node may have changed what the node's caches hold (sessions: all, or only `memberId`'s), so
   * it marks the change feed they share (ChangeFeed.wrote), even when this cache is off.
   */
  wrote(memberId?: number): void {
    this.opts.feed?.wrote(memberId);
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

  private handle(payload: string): void {
    this.forgotten++;
    if (payload.startsWith('s:')) this.forgetSession(payload.slice(2));
    else if (payload.startsWith('m:')) this.forgetMember(Number(payload.slice(2)));
  }
}
