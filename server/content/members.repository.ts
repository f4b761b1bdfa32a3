import { sql } from 'kysely';
import type { Executor } from '../db/kysely.ts';
import type { MemberUpdate, NewMember, Role } from '../db/types.ts';
import { skeleton } from '../lib/confusables.ts';

export class MembersRepository {
  constructor(private readonly db: Executor) {}

  /** The username's confusable skeleton is derived here, so that every writer stores it (unique: look-alikes collide). */
  create(values: Omit<NewMember, 'username_skeleton'>) {
    return this.db
      .insertInto('members')
      .values({ ...values, username_skeleton: skeleton(values.username) })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** The member whose username has this confusable skeleton (see lib/confusables.ts), if any. */
  getBySkeleton(usernameSkeleton: string) {
    return this.db
      .selectFrom('members')
      .select(['id', 'username', 'role'])
      .where('username_skeleton', '=', usernameSkeleton)
      .executeTakeFirst();
  }

  getById(id: number) {
    return this.db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** What deciding what the member may see needs (a notification's recipient). */
  getViewer(id: number) {
    return this.db.selectFrom('members').select(['id', 'role', 'trust_level']).where('id', '=', id).executeTakeFirst();
  }

  getViewers(ids: readonly number[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('members').select(['id', 'role', 'trust_level']).where('id', 'in', ids).execute();
  }

  /** How a notification names the member who acted. */
  getNames(id: number) {
    return this.db
      .selectFrom('members')
      .select(['username', 'display_name as displayName'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  }

  /** The members these usernames name who may be mentioned (not banned). */
  mentionable(names: readonly string[]) {
    return this.db
      .selectFrom('members')
      .select('id')
      .where('username', 'in', names)
      .where('banned_at', 'is', null)
      .execute();
  }

  getByUsername(username: string) {
    return this.db.selectFrom('members').selectAll().where('username', '=', username).executeTakeFirst();
  }

  /** A login is a username or an e-mail address (both case-insensitive through citext). */
  getByLogin(login: string) {
    return this.db
      .selectFrom('members')
      .selectAll()
      .where((eb) => eb.or([eb('username', '=', login), eb('email', '=', login)]))
      .executeTakeFirst();
  }

  /** Which of these usernames exist, lower-cased (for mentions). */
  async existingUsernames(names: readonly string[]): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('members')
      .select(sql<string>`lower(username::text)`.as('name'))
      .where('username', 'in', names)
      .execute();
    return new Set(rows.map((r) => r.name));
  }

  setRole(id: number, role: Role) {
    return this.db
      .updateTable('members')
      .set({ role, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  setPassword(id: number, passwordHash: string) {
    return this.db
      .updateTable('members')
      .set({ password_hash: passwordHash, updated_at: new Date() })
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** The profile fields a member edits themselves. */
  update(
    id: number,
    values: Pick<
      MemberUpdate,
      'display_name' | 'bio' | 'locale' | 'location' | 'website' | 'pronouns' | 'theme' | 'reply_tracking'
    >,
  ) {
    return this.db
      .updateTable('members')
      .set({ ...values, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  countByRole(role: Role) {
    return this.db
      .selectFrom('members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', role)
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('members')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    return row.n;
  }

  async setTrustLevel(id: number, level: number): Promise<void> {
    await this.db.updateTable('members').set({ trust_level: level }).where('id', '=', id).execute();
  }

  /** Trust level 4 (relay) is a community manager's grant. */
  async setTrustGranted(id: number, granted: boolean): Promise<void> {
    await this.db.updateTable('members').set({ trust_granted: granted }).where('id', '=', id).execute();
  }

  addPostCount(id: number, delta: number) {
    return this.db
      .updateTable('members')
      .set((eb) => ({ post_count: eb('post_count', '+', delta) }))
      .where('id', '=', id)
      .execute();
  }
}
