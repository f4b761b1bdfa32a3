import type { Actor } from '../../access/access.ts';
import type { Member } from '../../db/types.ts';
import {
  ConflictError,
  ForbiddenError,
  UnauthorizedError,
  UnprocessableError,
  uniqueViolation,
} from '../../lib/errors.ts';
import type { Db, Executor } from '../../db/kysely.ts';
import { MembersRepository } from '../../content/index.ts';
import { skeleton } from '../../lib/confusables.ts';
import { assertNotStaffTitle, assertValidEmail, assertValidUsername } from '../members/index.ts';
import { hashPassword, verifyPassword } from '../../lib/password.ts';
import type { AccountService } from './account.service.ts';
import { assertAcceptablePassword } from './password-policy.ts';
import { generateSessionToken, type SessionService } from './session.service.ts';

export interface RegisterInput {
  username: string;
  email: string;
  password: string;
  acceptNetiquette: boolean;
  locale?: 'fr' | 'en';
  /** An invitation link's token: registers even when registration is by invitation only. */
  invitation?: string;
}

/** Invitations as registration needs them (server/modules/invitations): one use taken in the account's transaction. */
export interface InvitationPort {
  redeem(trx: Executor, token: string, member: { id: number; email: string }): Promise<void>;
}

export interface SignedIn {
  member: Member;
  token: string;
  expiresAt: Date;
}

export class AuthService {
  constructor(
    private readonly members: MembersRepository,
    private readonly sessions: SessionService,
    /** With it, a new member gets the link confirming their address, written in the registration's transaction. */
    private readonly accounts?: { service: AccountService; db: Db },
    /** Whether self-registration is open (the site's setting); always open without it (the CLI, bootstrap). */
    private readonly registration: () => Promise<'open' | 'invite' | 'closed'> = async () => 'open',
    /** `admins` (LOCAL_PASSWORDS): members sign in through a provider; administrators keep the password (break-glass). */
    private readonly localPasswords: 'on' | 'admins' = 'on',
    private readonly invitations?: InvitationPort,
  ) {}

  async register(input: RegisterInput, requestBase = ''): Promise<SignedIn> {
    if (this.localPasswords === 'admins') throw localDisabled();
    const registration = await this.registration();
    // An invitation opens registration when it is by invitation only (and counts in an open one); never a closed one.
    const invited =
      input.invitation !== undefined && !!this.invitations && !!this.accounts && registration !== 'closed';
    if (registration !== 'open' && !invited) {
      throw new ForbiddenError(
        registration === 'invite' ? 'registration.invite_only' : 'registration.closed',
        registration === 'invite'
          ? 'Joining this community needs an invitation from a member or the team.'
          : 'This community does not take new accounts at the moment.',
      );
    }
    if (input.acceptNetiquette !== true) {
      throw new UnprocessableError('netiquette.not_accepted', 'You must accept the netiquette to join.', {
        field: 'acceptNetiquette',
      });
    }
    assertValidUsername(input.username);
    assertNotStaffTitle(input.username);
    assertValidEmail(input.email);
    await assertAcceptablePassword(input.password, input.username, input.email);
    const accounts = this.accounts;
    const member = accounts
      ? await accounts.db.transaction().execute(async (trx) => {
          const created = await this.createMember(
            { ...input, role: 'member', acceptedNetiquette: true },
            new MembersRepository(trx),
          );
          if (invited) await this.invitations!.redeem(trx, input.invitation!, created);
          await accounts.service.sendVerification(trx, created, requestBase);
          return created;
        })
      : await this.createMember({ ...input, role: 'member', acceptedNetiquette: true });
    return this.signIn(member);
  }

  /** Shared by registration, the operator CLI and the first-admin bootstrap. */
  async createMember(
    input: {
      username: string;
      email: string;
      /** null: a member who signs in only through a provider (single sign-on); no password verifies. */
      password: string | null;
      role: Member['role'];
      acceptedNetiquette: boolean;
      locale?: 'fr' | 'en';
      displayName?: string;
    },
    members = this.members,
  ): Promise<Member> {
    await this.assertUsernameFree(input.username);
    const passwordHash = input.password === null ? '' : await hashPassword(input.password);
    try {
      return await members.create({
        username: input.username,
        email: input.email,
        password_hash: passwordHash,
        role: input.role,
        // Staff are trusted from the start; members earn their trust level (see the reputation capability).
        trust_level: input.role === 'member' ? 0 : 4,
        display_name: input.displayName ?? input.username,
        locale: input.locale ?? 'fr',
        netiquette_accepted_at: input.acceptedNetiquette ? new Date() : null,
        // Staff accounts are made by an operator (CLI, ADMIN_EMAIL), who vouches for the address.
        email_verified_at: input.role === 'member' ? null : new Date(),
      });
    } catch (err) {
      const constraint = uniqueViolation(err);
      // A look-alike registered meanwhile (the check above ran before the insert).
      if (constraint?.includes('skeleton')) throw confusable();
      if (constraint?.includes('username'))
        throw new ConflictError('username.taken', 'This username is taken.', { field: 'username' });
      if (constraint?.includes('email'))
        throw new ConflictError('email.taken', 'An account already uses this e-mail address.', { field: 'email' });
      throw err;
    }
  }

  /** 409 for a username taken in another case or in look-alike characters (same confusable skeleton). */
  private async assertUsernameFree(username: string): Promise<void> {
    const holder = await this.members.getBySkeleton(skeleton(username));
    if (!holder) return;
    if (holder.username.toLowerCase() === username.toLowerCase()) {
      throw new ConflictError('username.taken', 'This username is taken.', { field: 'username' });
    }
    throw confusable();
  }

  async login(login: string, password: string): Promise<SignedIn> {
    const member = await this.members.getByLogin(login.trim());
    const ok = await verifyPassword(member?.password_hash, password);
    if (!member || !ok) {
      throw new UnauthorizedError('auth.invalid_credentials', 'Wrong username/e-mail or password.');
    }
    // After the password check: the refusal tells nothing to whoever does not know the password.
    if (this.localPasswords === 'admins' && member.role !== 'admin') throw localDisabled();
    return this.signIn(member);
  }

  async logout(sessionId: string | undefined): Promise<void> {
    if (sessionId) await this.sessions.invalidate(sessionId);
  }

  async me(actor: Actor): Promise<Member> {
    const member = await this.members.getById(actor.id);
    if (!member) throw new UnauthorizedError();
    return member;
  }

  private async signIn(member: Member): Promise<SignedIn> {
    const token = generateSessionToken();
    const session = await this.sessions.create(token, member.id);
    return { member, token, expiresAt: session.expiresAt };
  }
}

const localDisabled = () =>
  new ForbiddenError('auth.local_disabled', 'Members sign in with the single sign-on provider here, not a password.');

const confusable = () =>
  new ConflictError('username.confusable', 'This username looks like the name of an existing member.', {
    field: 'username',
  });
