import { type Actor, authorize } from '../../access/access.ts';
import { MembersRepository } from '../../content/index.ts';
import type { Db } from '../../db/kysely.ts';
import { NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import { IgnoresRepository } from './ignores.repository.ts';

/**
 * Ignoring a member: their posts are collapsed for you (the web app, from this list), they send you no
 * notification and cannot start a conversation with you. Staff cannot be ignored: they must reach everyone.
 */
export class IgnoresService {
  private readonly ignores: IgnoresRepository;
  private readonly members: MembersRepository;

  constructor(db: Db) {
    this.ignores = new IgnoresRepository(db);
    this.members = new MembersRepository(db);
  }

  async list(actorOrNull: Actor | null) {
    const actor = authorize(actorOrNull, 'member.ignore');
    const rows = await this.ignores.list(actor.id);
    return {
      ignored: rows.map((r) => ({
        id: r.id,
        username: r.username,
        displayName: r.display_name,
        since: r.created_at.toISOString(),
      })),
    };
  }

  async set(actorOrNull: Actor | null, username: string, on: boolean) {
    const actor = authorize(actorOrNull, 'member.ignore');
    const member = await this.members.getByUsername(username);
    if (!member || member.anonymised_at) throw new NotFoundError('member.not_found', 'No such member.');
    if (on && member.id === actor.id) {
      throw new UnprocessableError('ignore.self', 'You cannot ignore yourself.');
    }
    if (on && member.role !== 'member') {
      throw new UnprocessableError('ignore.staff', 'The team cannot be ignored: they must be able to reach you.');
    }
    await this.ignores.set(actor.id, member.id, on);
    return this.list(actor);
  }
}
