import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { type Actor, assertMayWrite, authorize, can } from '../../access/access.ts';
import { MembersRepository } from '../../content/index.ts';
import type { Db, Executor } from '../../db/kysely.ts';
import { AuditRepository } from '../../events/audit.repository.ts';
import {
  ForbiddenError,
  GoneError,
  NotFoundError,
  TooManyRequestsError,
  UnprocessableError,
} from '../../lib/errors.ts';
import { generateSessionToken } from '../auth/index.ts';
import { assertValidEmail } from '../members/index.ts';
import type { Mailer } from '../mail/index.ts';
import { InvitationsRepository } from './invitations.repository.ts';

const DAY = 86_400_000;
const PAGE = 50;
/** Invitations a member may create in 24 hours, by trust level (staff: no limit). */
export const DAILY_INVITATIONS = [0, 2, 5, 10, 20] as const;
/** The page a link opens: the registration form, with the invitation. */
export const INVITATION_PAGE = '/register';

const hashOf = (token: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(token)));

export interface InvitationInput {
  email?: string;
  maxUses?: number;
  expiresInDays?: number;
}

/**
 * Members invite people: a link (single or multiple use) or an e-mail through the outbox, expiring, limited per
 * day by trust level. Redeeming one registers even when registration is by invitation only, and records who
 * invited whom. Admins see and revoke every invitation (audited).
 */
export class InvitationsService {
  private readonly invitations: InvitationsRepository;

  constructor(
    private readonly db: Db,
    private readonly mailer: Mailer,
  ) {
    this.invitations = new InvitationsRepository(db);
  }

  async create(actorOrNull: Actor | null, input: InvitationInput, requestBase: string) {
    const actor = authorize(actorOrNull, 'invitation.create');
    assertMayWrite(actor);
    const email = input.email?.trim() || null;
    if (email) assertValidEmail(email);
    const allowance = actor.role === 'member' ? DAILY_INVITATIONS[Math.min(actor.trustLevel, 4)]! : Infinity;
    if (allowance === 0) {
      throw new ForbiddenError('invitation.trust_level', 'Inviting people needs trust level 1.', { limit: 0 });
    }
    if ((await this.invitations.createdSince(actor.id, new Date(Date.now() - DAY))) >= allowance) {
      throw new TooManyRequestsError('invitation.daily_limit', `You can invite ${allowance} times a day.`, {
        limit: allowance,
        retryAfterSeconds: 3600,
      });
    }
    const days = input.expiresInDays ?? 7;
    // An invitation sent to an address is for that person alone.
    const maxUses = email ? 1 : (input.maxUses ?? 1);
    const token = generateSessionToken();
    const base = this.mailer.base(requestBase);
    const url = `${base}${INVITATION_PAGE}?invitation=${token}`;
    const invitation = await this.db.transaction().execute(async (trx) => {
      const created = await new InvitationsRepository(trx).create({
        tokenHash: hashOf(token),
        inviterId: actor.id,
        email,
        maxUses,
        expiresAt: new Date(Date.now() + days * DAY),
      });
      if (email) {
        const inviter = (await new MembersRepository(trx).getById(actor.id))!;
        await this.mailer.invitation(trx, inviter, { to: email, url, base, days });
      }
      return created;
    });
    return { id: invitation.id, url, expiresAt: invitation.expires_at.toISOString(), maxUses, email };
  }

  async mine(actorOrNull: Actor | null) {
    const actor = authorize(actorOrNull, 'invitation.create');
    const allowance = actor.role === 'member' ? DAILY_INVITATIONS[Math.min(actor.trustLevel, 4)]! : null;
    const used = await this.invitations.createdSince(actor.id, new Date(Date.now() - DAY));
    return {
      invitations: (await this.invitations.list({ inviterId: actor.id, limit: PAGE })).map(toView),
      allowance: allowance === null ? null : { perDay: allowance, left: Math.max(0, allowance - used) },
    };
  }

  async all(actorOrNull: Actor | null, before?: number) {
    authorize(actorOrNull, 'invitation.manage');
    const rows = await this.invitations.list({ limit: PAGE + 1, before });
    return { invitations: rows.slice(0, PAGE).map(toView), more: rows.length > PAGE };
  }

  /** Its inviter revokes an invitation, or an admin (audited). */
  async revoke(actorOrNull: Actor | null, id: number) {
    const actor = authorize(actorOrNull, 'invitation.create');
    const invitation = await this.invitations.getById(id);
    const mine = invitation?.inviter_id === actor.id;
    if (!invitation || (!mine && !can(actor, 'invitation.manage'))) {
      throw new NotFoundError('invitation.not_found', 'No such invitation.');
    }
    await this.db.transaction().execute(async (trx) => {
      await new InvitationsRepository(trx).revoke(id, actor.id);
      if (!mine) {
        await new AuditRepository(trx).record({
          actorId: actor.id,
          action: 'invitation.revoke',
          subjectType: 'invitation',
          subjectId: id,
          data: { inviterId: invitation.inviter_id },
        });
      }
    });
    return { revoked: true };
  }

  /** What the registration page shows of a link: who invites, and whether it still works. */
  async check(token: string) {
    const row = await this.invitations.getByTokenHash(hashOf(token));
    if (!row) throw invalid();
    if (row.revoked_at || row.expires_at <= new Date() || row.use_count >= row.max_uses || row.banned_at) {
      throw new GoneError('invitation.expired', 'This invitation has expired or was already used.');
    }
    return { inviter: { username: row.username, displayName: row.display_name }, email: row.email };
  }

  /**
   * In the registration's transaction: takes one use of the invitation and records who invited the new member.
   * An invitation sent to an address is for that address only.
   */
  async redeem(trx: Executor, token: string, member: { id: number; email: string }): Promise<void> {
    const repo = new InvitationsRepository(trx);
    const taken = await repo.take(hashOf(token));
    if (!taken) throw invalid();
    if (taken.email && taken.email.toLowerCase() !== member.email.toLowerCase()) {
      throw new UnprocessableError('invitation.email_mismatch', 'This invitation was sent to another address.', {
        field: 'email',
      });
    }
    await repo.recordInvitee(member.id, taken);
  }
}

const invalid = () =>
  new UnprocessableError('invitation.invalid', 'This invitation link is not valid (any more).', {
    field: 'invitation',
  });

function toView(r: Awaited<ReturnType<InvitationsRepository['list']>>[number]) {
  const now = new Date();
  return {
    id: r.id,
    email: r.email,
    inviter: r.inviter,
    maxUses: r.max_uses,
    uses: r.use_count,
    expiresAt: r.expires_at.toISOString(),
    createdAt: r.created_at.toISOString(),
    state: r.revoked_at
      ? ('revoked' as const)
      : r.use_count >= r.max_uses
        ? ('used' as const)
        : r.expires_at <= now
          ? ('expired' as const)
          : ('open' as const),
    joined: r.joined.map((j) => ({ username: j.username, joinedAt: new Date(j.joinedAt).toISOString() })),
  };
}
