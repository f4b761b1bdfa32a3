import { sql } from 'kysely';
import type { Executor } from '../../db/kysely.ts';
import type { Role } from '../../db/types.ts';

export interface NewIdentity {
  memberId: number;
  provider: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  avatarUrl: string | null;
}

export interface SignupRow {
  provider: string;
  subject: string;
  email: string;
  emailVerified: boolean;
  name: string;
  usernameHint: string;
  avatarUrl: string | null;
  groups: string[] | null;
  idToken: string | null;
  returnTo: string;
}

/** Linked identities, sign-ins in flight and pending sign-ups. Ids of states and sign-ups are SHA-256 of tokens. */
export class IdentityRepository {
  constructor(private readonly db: Executor) {}

  getBySubject(provider: string, subject: string) {
    return this.db
      .selectFrom('member_identities')
      .selectAll()
      .where('provider', '=', provider)
      .where('subject', '=', subject)
      .executeTakeFirst();
  }

  listForMember(memberId: number) {
    return this.db
      .selectFrom('member_identities')
      .select(['provider', 'email', 'created_at', 'last_used_at'])
      .where('member_id', '=', memberId)
      .orderBy('created_at')
      .execute();
  }

  countForMember(memberId: number, exceptProvider: string) {
    return this.db
      .selectFrom('member_identities')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('member_id', '=', memberId)
      .where('provider', '<>', exceptProvider)
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));
  }

  create(identity: NewIdentity) {
    return this.db
      .insertInto('member_identities')
      .values({
        member_id: identity.memberId,
        provider: identity.provider,
        subject: identity.subject,
        email: identity.email,
        email_verified: identity.emailVerified,
        avatar_url: identity.avatarUrl,
        last_used_at: new Date(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** What the provider says now: kept fresh at each sign-in. */
  touch(id: number, values: { email: string | null; emailVerified: boolean; avatarUrl: string | null }) {
    return this.db
      .updateTable('member_identities')
      .set({
        email: values.email,
        email_verified: values.emailVerified,
        avatar_url: values.avatarUrl,
        last_used_at: new Date(),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
  }

  setGrantedRole(id: number, role: Exclude<Role, 'member'> | null) {
    return this.db
      .updateTable('member_identities')
      .set({ granted_role: role, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  }

  delete(memberId: number, provider: string) {
    return this.db
      .deleteFrom('member_identities')
      .where('member_id', '=', memberId)
      .where('provider', '=', provider)
      .executeTakeFirst()
      .then((r) => Number(r.numDeletedRows) > 0);
  }

  createState(state: {
    id: string;
    provider: string;
    binding: string;
    nonce: string;
    codeVerifier: string;
    intent: 'login' | 'link';
    memberId: number | null;
    returnTo: string;
    expiresAt: Date;
  }) {
    return this.db
      .insertInto('sso_states')
      .values({
        id: state.id,
        provider: state.provider,
        binding: state.binding,
        nonce: state.nonce,
        code_verifier: state.codeVerifier,
        intent: state.intent,
        member_id: state.memberId,
        return_to: state.returnTo,
        expires_at: state.expiresAt,
      })
      .execute();
  }

  /** Single use: the row is gone once read, whatever comes next. */
  takeState(id: string) {
    return this.db.deleteFrom('sso_states').where('id', '=', id).returningAll().executeTakeFirst();
  }

  createSignup(id: string, row: SignupRow, expiresAt: Date) {
    return this.db
      .insertInto('sso_signups')
      .values({
        id,
        provider: row.provider,
        subject: row.subject,
        email: row.email,
        email_verified: row.emailVerified,
        name: row.name,
        username_hint: row.usernameHint,
        avatar_url: row.avatarUrl,
        groups: JSON.stringify(row.groups ?? []),
        id_token: row.idToken,
        return_to: row.returnTo,
        expires_at: expiresAt,
      })
      .execute();
  }

  async getSignup(id: string, now = new Date()): Promise<SignupRow | undefined> {
    const row = await this.db
      .selectFrom('sso_signups')
      .selectAll()
      .where('id', '=', id)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      provider: row.provider,
      subject: row.subject,
      email: row.email,
      emailVerified: row.email_verified,
      name: row.name,
      usernameHint: row.username_hint,
      avatarUrl: row.avatar_url,
      groups: row.provider === 'discourse' ? (row.groups as string[]) : null,
      idToken: row.id_token,
      returnTo: row.return_to,
    };
  }

  deleteSignup(id: string) {
    return this.db.deleteFrom('sso_signups').where('id', '=', id).execute();
  }

  purgeExpired(now = new Date()) {
    return Promise.all([
      this.db.deleteFrom('sso_states').where('expires_at', '<=', now).execute(),
      this.db.deleteFrom('sso_signups').where('expires_at', '<=', now).execute(),
    ]);
  }

  linkSession(sessionId: string, provider: string, idToken: string | null) {
    return this.db
      .insertInto('session_identities')
      .values({ session_id: sessionId, provider, id_token: idToken })
      .execute();
  }

  getSessionIdentity(sessionId: string) {
    return this.db
      .selectFrom('session_identities')
      .select(['provider', 'id_token'])
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
  }

  /** The provider vouched for the address of the member it made. */
  markEmailVerified(memberId: number) {
    return this.db.updateTable('members').set({ email_verified_at: new Date() }).where('id', '=', memberId).execute();
  }

  /** A manual badge by key, once per member: true when this call granted it. */
  async grantBadge(memberId: number, badgeKey: string, reason: string): Promise<boolean> {
    const row = await this.db
      .insertInto('member_badges')
      .columns(['member_id', 'badge_id', 'reason'])
      .expression((eb) =>
        eb
          .selectFrom('badges')
          .select([sql<number>`${memberId}::int`.as('member_id'), 'id', sql<string>`${reason}::text`.as('reason')])
          .where('key', '=', badgeKey)
          .where('manual', '=', true),
      )
      .onConflict((oc) => oc.columns(['member_id', 'badge_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }
}
