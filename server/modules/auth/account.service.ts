import { sql } from 'kysely';
import { type Actor, requireActor } from '../../access/access.ts';
import type { Db, Executor } from '../../db/kysely.ts';
import type { Member } from '../../db/types.ts';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  UnauthorizedError,
  uniqueViolation,
} from '../../lib/errors.ts';
import { hashPassword, verifyPassword } from '../../lib/password.ts';
import { MembersRepository } from '../../content/index.ts';
import type { Mailer, MailSettingsStore } from '../mail/index.ts';
import { assertValidEmail } from '../members/index.ts';
import { MailTokensRepository, type TokenPurpose } from './mail-tokens.repository.ts';
import { assertAcceptablePassword } from './password-policy.ts';
import { generateSessionToken, type SessionService, sessionIdFromToken } from './session.service.ts';

const HOUR = 3_600_000;
/** A reset link is valid one hour; a link confirming an address, three days (it may wait in an inbox). */
const VALIDITY: Record<TokenPurpose, number> = {
  'password.reset': HOUR,
  'email.verify': 72 * HOUR,
  'email.change': 72 * HOUR,
};

/** The web pages the links open (web/src/lib/paths.ts has the same addresses). */
export const ACCOUNT_PAGES = {
  reset: '/reset-password',
  verify: '/verify-email',
  forgot: '/forgot-password',
};

/**
 * Accounts that can be recovered and addresses that are confirmed: forgotten passwords, e-mail verification,
 * password and address changes. Every link is a single-use token whose SHA-256 alone is stored; every message is
 * written to the outbox in the transaction of its cause.
 */
export class AccountService {
  constructor(
    private readonly db: Db,
    private readonly sessions: SessionService,
    private readonly mailer: Mailer,
    private readonly settings: MailSettingsStore,
  ) {}

  /**
   * A reset link to the account's address. The caller learns nothing: the same answer (and no error) whether the
   * login names an account or not, and whatever the account's state.
   */
  async forgot(login: string, requestBase: string): Promise<void> {
    const member = await new MembersRepository(this.db).getByLogin(login.trim());
    if (!member || member.anonymised_at) return;
    await this.db.transaction().execute(async (trx) => {
      await new MailTokensRepository(trx).useAll(member.id, 'password.reset');
      const token = await this.issue(trx, member, 'password.reset', member.email);
      const base = this.mailer.base(requestBase);
      await this.mailer.account(trx, 'password.reset', member, {
        base,
        url: `${base}${ACCOUNT_PAGES.reset}?token=${token}`,
      });
    });
  }

  /** A new password from a reset link: every session of the member ends, and this browser is signed in. */
  async reset(token: string, password: string): Promise<{ member: Member; token: string; expiresAt: Date }> {
    const member = await this.db.transaction().execute(async (trx) => {
      const row = await this.take(trx, token, ['password.reset']);
      const member = (await new MembersRepository(trx).getById(row.member_id))!;
      await assertAcceptablePassword(password, member.username, member.email);
      await new MembersRepository(trx).setPassword(member.id, await hashPassword(password));
      await new MailTokensRepository(trx).useAll(member.id, 'password.reset');
      // The link reached the member's mailbox: the address is theirs.
      if (member.email_verified_at === null && row.email === member.email) await this.markVerified(trx, member.id);
      await trx.deleteFrom('sessions').where('member_id', '=', member.id).execute();
      return member;
    });
    const session = generateSessionToken();
    const { expiresAt } = await this.sessions.create(session, member.id);
    return { member, token: session, expiresAt };
  }

  /** Confirms an address: the one given at sign-up, or a new one (which then replaces the old, told so). */
  async verify(token: string, requestBase: string): Promise<{ purpose: TokenPurpose; member: Member }> {
    return this.db.transaction().execute(async (trx) => {
      const row = await this.take(trx, token, ['email.verify', 'email.change']);
      const members = new MembersRepository(trx);
      const member = (await members.getById(row.member_id))!;
      if (row.purpose === 'email.verify') {
        if (member.email.toLowerCase() !== row.email.toLowerCase()) throw invalid('email.verify');
        await this.markVerified(trx, member.id);
      } else {
        const old = member.email;
        try {
          await trx
            .updateTable('members')
            .set({ email: row.email, email_verified_at: new Date(), updated_at: new Date() })
            .where('id', '=', member.id)
            .execute();
        } catch (err) {
          if (uniqueViolation(err) !== undefined)
            throw new ConflictError('email.taken', 'An account already uses this e-mail address.', { field: 'email' });
          throw err;
        }
        await new MailTokensRepository(trx).useAll(member.id, 'email.change');
        const base = this.mailer.base(requestBase);
        await this.mailer.account(trx, 'email.changed', member, {
          base,
          to: old,
          email: row.email,
          url: `${base}${ACCOUNT_PAGES.forgot}`,
        });
      }
      return { purpose: row.purpose as TokenPurpose, member: (await members.getById(member.id))! };
    });
  }

  /** Sends the sign-up confirmation again (an address already confirmed answers 409). */
  async resendVerification(actorOrNull: Actor | null, requestBase: string): Promise<void> {
    const actor = requireActor(actorOrNull);
    const member = await new MembersRepository(this.db).getById(actor.id);
    if (!member) throw new UnauthorizedError();
    if (member.email_verified_at)
      throw new ConflictError('email.already_verified', 'This address is already confirmed.');
    await this.db.transaction().execute(async (trx) => {
      await new MailTokensRepository(trx).useAll(member.id, 'email.verify');
      await this.sendVerification(trx, member, requestBase);
    });
  }

  /** Called in the registration's transaction: the new member's confirmation link. */
  async sendVerification(trx: Executor, member: Member, requestBase: string): Promise<void> {
    const token = await this.issue(trx, member, 'email.verify', member.email);
    const base = this.mailer.base(requestBase);
    await this.mailer.account(trx, 'email.verify', member, {
      base,
      url: `${base}${ACCOUNT_PAGES.verify}?token=${token}`,
    });
  }

  /** A new password with the current one; every other session ends, and the member is told by e-mail. */
  async changePassword(
    actorOrNull: Actor | null,
    sessionId: string | undefined,
    input: { current: string; password: string },
    requestBase: string,
  ): Promise<void> {
    const member = await this.withPassword(actorOrNull, input.current);
    await assertAcceptablePassword(input.password, member.username, member.email);
    const passwordHash = await hashPassword(input.password);
    await this.db.transaction().execute(async (trx) => {
      await new MembersRepository(trx).setPassword(member.id, passwordHash);
      await trx
        .deleteFrom('sessions')
        .where('member_id', '=', member.id)
        .$if(sessionId !== undefined, (q) => q.where('id', '<>', sessionId!))
        .execute();
      await new MailTokensRepository(trx).useAll(member.id, 'password.reset');
      const base = this.mailer.base(requestBase);
      await this.mailer.account(trx, 'password.changed', member, { base, url: `${base}${ACCOUNT_PAGES.forgot}` });
    });
  }

  /** Asks for a new address: a link to confirm it goes there; nothing changes until it is followed. */
  async changeEmail(actorOrNull: Actor | null, input: { password: string; email: string }, requestBase: string) {
    const member = await this.withPassword(actorOrNull, input.password);
    const email = input.email.trim();
    assertValidEmail(email);
    if (email.toLowerCase() === member.email.toLowerCase())
      throw new ConflictError('email.unchanged', 'This is already your address.', { field: 'email' });
    const holder = await new MembersRepository(this.db).getByLogin(email);
    if (holder)
      throw new ConflictError('email.taken', 'An account already uses this e-mail address.', { field: 'email' });
    await this.db.transaction().execute(async (trx) => {
      await new MailTokensRepository(trx).useAll(member.id, 'email.change');
      const token = await this.issue(trx, member, 'email.change', email);
      const base = this.mailer.base(requestBase);
      await this.mailer.account(trx, 'email.change', member, {
        base,
        to: email,
        url: `${base}${ACCOUNT_PAGES.verify}?token=${token}`,
      });
    });
    return { pendingEmail: email };
  }

  /** Drops links that expired more than a day ago (used ones stay until then: a second click says "used"). */
  async purgeStaleTokens(): Promise<void> {
    await new MailTokensRepository(this.db).deleteStale(new Date(Date.now() - 24 * HOUR));
  }

  /** For the publish pipeline: 403 when the community requires a confirmed address and the member has none. */
  async assertMayPost(actor: Actor): Promise<void> {
    if (actor.role !== 'member' || actor.emailVerified !== false) return;
    if (!(await this.settings.get()).verificationRequired) return;
    throw new ForbiddenError('email.unverified', 'Confirm your e-mail address before posting (see the link we sent).');
  }

  private async withPassword(actorOrNull: Actor | null, password: string): Promise<Member> {
    const actor = requireActor(actorOrNull);
    const member = await new MembersRepository(this.db).getById(actor.id);
    if (!member) throw new UnauthorizedError();
    if (!(await verifyPassword(member.password_hash, password)))
      throw new ForbiddenError('auth.wrong_password', 'Your current password is not this one.', { field: 'current' });
    return member;
  }

  private async issue(trx: Executor, member: Member, purpose: TokenPurpose, email: string): Promise<string> {
    const token = generateSessionToken();
    await new MailTokensRepository(trx).create({
      id: sessionIdFromToken(token),
      memberId: member.id,
      purpose,
      email,
      expiresAt: new Date(Date.now() + VALIDITY[purpose]),
    });
    return token;
  }

  /** The token's row, used now; a clear 400 (with where to ask again) when it is unknown, used or expired. */
  private async take(trx: Executor, token: string, purposes: TokenPurpose[]) {
    const ask = purposes[0]!;
    if (!/^[a-z2-7]{32}$/.test(token)) throw invalid(ask);
    const row = await new MailTokensRepository(trx).getForUpdate(sessionIdFromToken(token));
    if (!row || !purposes.includes(row.purpose as TokenPurpose) || row.used_at) throw invalid(ask);
    const owner = await new MembersRepository(trx).getById(row.member_id);
    // An account anonymised since the link was sent is gone: the link must not bring it back.
    if (!owner || owner.anonymised_at) throw invalid(ask);
    if (row.expires_at.getTime() <= Date.now()) {
      throw new BadRequestError('token.expired', 'This link has expired. Ask for a new one.', { ask: askAgain(ask) });
    }
    await trx
      .updateTable('mail_tokens')
      .set({ used_at: new Date(), updated_at: new Date() })
      .where('id', '=', row.id)
      .execute();
    return row;
  }

  private async markVerified(trx: Executor, memberId: number): Promise<void> {
    await sql`UPDATE members SET email_verified_at = coalesce(email_verified_at, now()) WHERE id = ${memberId}`.execute(
      trx,
    );
  }
}

const askAgain = (purpose: TokenPurpose) => (purpose === 'password.reset' ? ACCOUNT_PAGES.forgot : 'resend');

const invalid = (purpose: TokenPurpose) =>
  new BadRequestError('token.invalid', 'This link is not valid (or was already used). Ask for a new one.', {
    ask: askAgain(purpose),
  });
