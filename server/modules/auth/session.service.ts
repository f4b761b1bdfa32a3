import { createHash } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { Actor } from '../../access/access.ts';
import type { SessionCache } from './session-cache.ts';
import type { SessionRepository } from './session.repository.ts';

/** A session with its member, as read on each request (and kept by a node's cache). */
export type SessionRow = NonNullable<Awaited<ReturnType<SessionRepository['getWithMember']>>>;

/**
 * Sessions as the Lucia guide describes them (lucia-auth.com, "Basic session API"): the cookie holds a random
 * token; the database holds only SHA-256(token) as the session id, so a leaked sessions table opens no account.
 * 30-day expiry, slid forward when a session is used in its last 15 days.
 */
export const SESSION_DAYS = 30;
const DAY = 24 * 60 * 60 * 1000;
/** How often a member's "last seen" is written (the health dashboard counts active members by it). */
const SEEN_EVERY_MS = 3_600_000;

export function generateSessionToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

/**
 * SHA-256 of the token, in hex. Node's own (OpenSSL) hash: it runs on every signed-in request, where the pure
 * JavaScript one cost about as much as the rest of the session check (issue 20).
 */
export function sessionIdFromToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface ValidatedSession {
  id: string;
  expiresAt: Date;
  /** True when the expiry moved: the cookie must be re-sent with the new date. */
  extended: boolean;
  actor: Actor;
  /** Served from the node's cache, not read from the database. */
  cached: boolean;
}

export class SessionService {
  constructor(
    private readonly sessions: SessionRepository,
    /** Per-node cache of sessions for reads (issue 20); none: every request reads the database. */
    readonly cache?: SessionCache<SessionRow>,
  ) {}

  async create(token: string, memberId: number): Promise<{ id: string; expiresAt: Date }> {
    const session = { id: sessionIdFromToken(token), memberId, expiresAt: new Date(Date.now() + SESSION_DAYS * DAY) };
    await this.sessions.create(session);
    await this.sessions.touchMember(memberId); // signing in is being seen
    return session;
  }

  /**
   * The session of a cookie's token, or null. `fresh`: read the database even when the node keeps the session
   * (requests that change something act on the database's word, see session-cache.ts).
   */
  async validate(
    token: string,
    options: { fresh?: boolean; unsettled?: boolean } = {},
  ): Promise<ValidatedSession | null> {
    if (!/^[a-z2-7]{32}$/.test(token)) return null;
    const id = sessionIdFromToken(token);
    // `unsettled`: the row as kept, even before this node's own writes' notices arrived (a write checking the
    // session beside its first statements: it decides on the database's answer, the kept row only names who).
    const cached = options.fresh ? undefined : options.unsettled ? this.cache?.peek(id) : await this.cache?.get(id);
    const mark = this.cache?.mark() ?? 0;
    const row = cached ?? (await this.sessions.getWithMember(id));
    if (!row) return null;
    const now = Date.now();
    if (now >= row.expires_at.getTime()) {
      this.cache?.forgetSession(id);
      await this.sessions.delete(id);
      return null;
    }
    if (!row.last_seen_at || now - row.last_seen_at.getTime() > SEEN_EVERY_MS) {
      // Off the request's path: a lost write only delays the "last seen" by a request.
      void this.sessions.touchMember(row.member_id).catch(() => {});
      row.last_seen_at = new Date(now);
    }
    let expiresAt = row.expires_at;
    let extended = false;
    if (now >= expiresAt.getTime() - (SESSION_DAYS / 2) * DAY) {
      expiresAt = new Date(now + SESSION_DAYS * DAY);
      extended = true;
      await this.sessions.extend(id, expiresAt);
      row.expires_at = expiresAt;
    }
    if (!cached) this.cache?.set(id, row, mark);
    return {
      id,
      expiresAt,
      extended,
      cached: cached !== undefined,
      actor: {
        id: row.member_id,
        username: row.username,
        role: row.role,
        trustLevel: row.trust_level,
        suspendedUntil: row.suspended_until,
        bannedAt: row.banned_at,
        sanctionReason: row.sanction_reason,
        joinedAt: row.joined_at,
        postCount: row.post_count,
        emailVerified: row.email_verified_at !== null,
      },
    };
  }

  /**
   * A request that may have changed a session or a member finished here (see SessionCache.wrote); `memberId`:
   * only that member's.
   */
  wrote(memberId?: number): void {
    this.cache?.wrote(memberId);
  }

  invalidate(id: string) {
    this.cache?.forgetSession(id);
    return this.sessions.delete(id);
  }

  invalidateAll(memberId: number) {
    this.cache?.forgetMember(memberId);
    return this.sessions.deleteForMember(memberId);
  }
}
