import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { requireActor, type Actor } from '../../access/access.ts';
import type { IdentityConfig } from '../../config-identity.ts';
import { MembersRepository } from '../../content/index.ts';
import type { Db } from '../../db/kysely.ts';
import { AuditRepository } from '../../events/audit.repository.ts';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError, uniqueViolation } from '../../lib/errors.ts';
import { type AccountService, type AuthService, generateSessionToken, type SessionService } from '../auth/index.ts';
import {
  assertNotStaffTitle,
  assertValidUsername,
  cleanDisplayName,
  displayNameSkeleton,
  isStaffTitle,
} from '../members/index.ts';
import { skeleton } from '../../lib/confusables.ts';
import { applyGroups } from './groups.ts';
import { IdentityRepository, type SignupRow } from './identity.repository.ts';

const SIGNUP_MS = 30 * 60_000;

/** A member as a provider describes them, once its answer has been checked. */
export interface ExternalProfile {
  provider: string;
  subject: string;
  email: string | undefined;
  emailVerified: boolean;
  name: string;
  usernameHint: string;
  avatarUrl: string | null;
  /** DiscourseConnect's groups (null: the provider sends none, roles are left alone). */
  groups: string[] | null;
  idToken: string | null;
}

export type Arrival =
  | { kind: 'signed-in'; token: string; expiresAt: Date; returnTo: string }
  | { kind: 'linked'; returnTo: string }
  | { kind: 'signup'; token: string; returnTo: string };

export const randomToken = () => {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
};
export const hashToken = (token: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(token)));

/**
 * What happens once a provider vouched for someone: the member linked to that (provider, subject) signs in; else a
 * member whose address the provider *verified* gets the link; else a new member is made once they chose a username
 * and accepted the netiquette. An unverified address never reaches an existing account: whoever controls a provider
 * could otherwise claim anyone's account by typing their address.
 */
export class IdentityService {
  constructor(
    private readonly db: Db,
    private readonly config: IdentityConfig,
    private readonly auth: AuthService,
    private readonly sessions: SessionService,
    private readonly accounts: AccountService,
    /** The site's registration setting: `closed` makes no account through a provider either (`invite`: the brand's account is the invitation). */
    private readonly registration: () => Promise<'open' | 'invite' | 'closed'> = async () => 'open',
  ) {}

  labelOf(provider: string): string {
    if (provider === 'discourse') return this.config.discourse?.label ?? provider;
    return this.config.oidc.find((p) => p.id === provider)?.label ?? provider;
  }

  async arrive(
    profile: ExternalProfile,
    state: { intent: 'login' | 'link'; memberId: number | null; returnTo: string },
  ): Promise<Arrival> {
    const repo = new IdentityRepository(this.db);
    const members = new MembersRepository(this.db);
    const identity = await repo.getBySubject(profile.provider, profile.subject);
    const fresh = { email: profile.email ?? null, emailVerified: profile.emailVerified, avatarUrl: profile.avatarUrl };

    if (state.intent === 'link' && state.memberId !== null) {
      if (identity && identity.member_id !== state.memberId) {
        throw new ConflictError(
          'identity.linked_elsewhere',
          'This account at the provider is linked to another member.',
        );
      }
      if (!identity) await this.link(state.memberId, profile, 'account page');
      return { kind: 'linked', returnTo: `/account?linked=${encodeURIComponent(profile.provider)}` };
    }

    if (identity) {
      const member = (await members.getById(identity.member_id))!;
      await this.db.transaction().execute(async (trx) => {
        await new IdentityRepository(trx).touch(identity.id, fresh);
        await applyGroups(trx, this.config.discourse, member, identity, profile.groups);
      });
      return { kind: 'signed-in', ...(await this.signIn(member.id, profile)), returnTo: state.returnTo };
    }

    if (!profile.email) {
      throw new UnprocessableError('identity.email_missing', 'The provider did not share an e-mail address.');
    }
    const holder = await members.getByLogin(profile.email);
    if (holder && profile.emailVerified) {
      await this.link(holder.id, profile, 'verified e-mail');
      const linked = (await repo.getBySubject(profile.provider, profile.subject))!;
      await this.db
        .transaction()
        .execute((trx) => applyGroups(trx, this.config.discourse, holder, linked, profile.groups));
      return { kind: 'signed-in', ...(await this.signIn(holder.id, profile)), returnTo: state.returnTo };
    }
    if (holder) {
      throw new ConflictError(
        'identity.email_unverified',
        'An account already uses this address, and the provider has not verified it: sign in with your password, then link the provider from your account page.',
      );
    }
    if ((await this.registration()) === 'closed') {
      throw new ForbiddenError('registration.closed', 'This community does not take new accounts at the moment.');
    }
    const token = randomToken();
    const row: SignupRow = {
      provider: profile.provider,
      subject: profile.subject,
      email: profile.email,
      emailVerified: profile.emailVerified,
      name: profile.name,
      usernameHint: profile.usernameHint,
      avatarUrl: profile.avatarUrl,
      groups: profile.groups,
      idToken: profile.idToken,
      returnTo: state.returnTo,
    };
    await repo.createSignup(hashToken(token), row, new Date(Date.now() + SIGNUP_MS));
    return { kind: 'signup', token, returnTo: '/welcome' };
  }

  /** The sign-up waiting for a username: what the page shows (the proposal is checked free when possible). */
  async pendingSignup(token: string | undefined) {
    const row = token ? await new IdentityRepository(this.db).getSignup(hashToken(token)) : undefined;
    if (!row) throw signupGone();
    let username = row.usernameHint;
    try {
      assertValidUsername(username);
      if (await new MembersRepository(this.db).getByUsername(username)) username = '';
    } catch {
      username = '';
    }
    return { provider: row.provider, label: this.labelOf(row.provider), email: row.email, name: row.name, username };
  }

  async completeSignup(
    token: string | undefined,
    input: { username: string; acceptNetiquette: boolean; locale?: 'fr' | 'en' },
    requestBase: string,
  ) {
    const id = token ? hashToken(token) : '';
    const row = id ? await new IdentityRepository(this.db).getSignup(id) : undefined;
    if (!row) throw signupGone();
    if (input.acceptNetiquette !== true) {
      throw new UnprocessableError('netiquette.not_accepted', 'You must accept the netiquette to join.', {
        field: 'acceptNetiquette',
      });
    }
    assertValidUsername(input.username);
    assertNotStaffTitle(input.username);
    const member = await this.db.transaction().execute(async (trx) => {
      const created = await this.auth.createMember(
        {
          username: input.username,
          email: row.email,
          password: null,
          role: 'member',
          acceptedNetiquette: true,
          locale: input.locale,
          displayName: await this.displayName(row.name, input.username),
        },
        new MembersRepository(trx),
      );
      const repo = new IdentityRepository(trx);
      const identity = await repo
        .create({
          memberId: created.id,
          provider: row.provider,
          subject: row.subject,
          email: row.email,
          emailVerified: row.emailVerified,
          avatarUrl: row.avatarUrl,
        })
        .catch(identityTaken);
      await repo.deleteSignup(id);
      if (row.emailVerified) {
        await repo.markEmailVerified(created.id);
      } else {
        await this.accounts.sendVerification(trx, created, requestBase);
      }
      await applyGroups(trx, this.config.discourse, created, identity, row.groups);
      return created;
    });
    const session = await this.signIn(member.id, { provider: row.provider, idToken: row.idToken });
    return { member: (await new MembersRepository(this.db).getById(member.id))!, ...session, returnTo: row.returnTo };
  }

  /** The member's linked providers, and the configured ones they could link. */
  async list(actorOrNull: Actor | null) {
    const actor = requireActor(actorOrNull);
    const [rows, member] = await Promise.all([
      new IdentityRepository(this.db).listForMember(actor.id),
      new MembersRepository(this.db).getById(actor.id),
    ]);
    return {
      hasPassword: member!.password_hash !== '',
      identities: rows.map((r) => ({
        provider: r.provider,
        label: this.labelOf(r.provider),
        email: r.email,
        linkedAt: r.created_at.toISOString(),
        lastUsedAt: r.last_used_at?.toISOString() ?? null,
      })),
    };
  }

  /** Refused when it would leave the member no way in: another provider, or a password they may still use. */
  async unlink(actorOrNull: Actor | null, provider: string) {
    const actor = requireActor(actorOrNull);
    const repo = new IdentityRepository(this.db);
    const member = (await new MembersRepository(this.db).getById(actor.id))!;
    const passwordUsable =
      member.password_hash !== '' && (this.config.localPasswords === 'on' || member.role === 'admin');
    if (!passwordUsable && (await repo.countForMember(actor.id, provider)) === 0) {
      throw new ConflictError(
        'identity.last_login_method',
        'This is your only way to sign in: link another provider (or set a password) before unlinking it.',
      );
    }
    if (!(await repo.delete(actor.id, provider))) {
      throw new NotFoundError('identity.not_linked', 'This provider is not linked to your account.');
    }
  }

  private async link(memberId: number, profile: ExternalProfile, via: string) {
    await this.db.transaction().execute(async (trx) => {
      const repo = new IdentityRepository(trx);
      await repo
        .create({
          memberId,
          provider: profile.provider,
          subject: profile.subject,
          email: profile.email ?? null,
          emailVerified: profile.emailVerified,
          avatarUrl: profile.avatarUrl,
        })
        .catch(identityTaken);
      await new AuditRepository(trx).record({
        actorId: memberId,
        action: 'identity.linked',
        subjectType: 'member',
        subjectId: memberId,
        data: { provider: profile.provider, via },
      });
    });
  }

  /**
   * The provider's name for the member, under the rules a display name set here follows (members.service.ts): no
   * invisible characters, no staff title, not another member's username in look-alike letters. The username when
   * it breaks one: the name comes from outside, so nobody is asked to fix it.
   */
  private async displayName(name: string, username: string): Promise<string> {
    let clean: string;
    try {
      clean = cleanDisplayName(name).trim().slice(0, 60);
    } catch {
      return username;
    }
    if (!clean || isStaffTitle(clean)) return username;
    const own = displayNameSkeleton(clean) === skeleton(username);
    if (!own && (await new MembersRepository(this.db).getBySkeleton(displayNameSkeleton(clean)))) return username;
    return clean;
  }

  private async signIn(memberId: number, profile: { provider: string; idToken: string | null }) {
    const token = generateSessionToken();
    const session = await this.sessions.create(token, memberId);
    await new IdentityRepository(this.db).linkSession(session.id, profile.provider, profile.idToken);
    return { token, expiresAt: session.expiresAt };
  }

  /** The session's provider and ID token, for RP-initiated logout. */
  sessionIdentity(sessionId: string) {
    return new IdentityRepository(this.db).getSessionIdentity(sessionId);
  }

  purgeExpired() {
    return new IdentityRepository(this.db).purgeExpired();
  }
}

/** A link written meanwhile (two tabs, two nodes): 409 rather than a 500. */
function identityTaken(err: unknown): never {
  const constraint = uniqueViolation(err);
  if (constraint?.includes('member_provider')) {
    throw new ConflictError(
      'identity.provider_already_linked',
      'Another account at this provider is already linked to this member: unlink it first.',
    );
  }
  if (constraint?.includes('subject')) {
    throw new ConflictError('identity.linked_elsewhere', 'This account at the provider is linked to another member.');
  }
  throw err;
}

const signupGone = () =>
  new NotFoundError('identity.signup_not_found', 'This sign-up has expired: sign in with the provider again.');
