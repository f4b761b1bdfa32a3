import { type Actor, authorize, requireActor } from '../../access/access.ts';
import { canSeeMemberPrivate, seeLevelsOf, type Viewer } from '../../access/visibility.ts';
import type { Db } from '../../db/kysely.ts';
import type { Role } from '../../db/types.ts';
import { NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import { assertStorableText } from '../../lib/text.ts';
import { AuditRepository } from '../../events/audit.repository.ts';
import { CategoriesRepository, MembersRepository, PostsRepository } from '../../content/index.ts';
import { toMe, toPublicMember } from './members.mappers.ts';
import { checkedWebsite, cleanDisplayName, displayNameSkeleton, isStaffTitle } from './members.rules.ts';
import type { UpdateMeBody } from './members.schemas.ts';
import type { Static } from 'typebox';

function excerpt(html: string, max = 180): string {
  const text = html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export class MembersService {
  private readonly members: MembersRepository;
  private readonly posts: PostsRepository;
  private readonly categories: CategoriesRepository;

  constructor(private readonly db: Db) {
    this.members = new MembersRepository(db);
    this.posts = new PostsRepository(db);
    this.categories = new CategoriesRepository(db);
  }

  async profile(username: string, viewer: Viewer) {
    const member = await this.members.getByUsername(username);
    if (!member) throw new NotFoundError('member.not_found', 'No such member.');
    const seeLevels = seeLevelsOf(viewer);
    const [posts, unseen] = await Promise.all([
      this.posts.listByAuthor(member.id, 10, seeLevels),
      canSeeMemberPrivate(viewer, member.id)
        ? 0
        : this.categories.idsNotSeenAt(seeLevels).then((ids) => this.posts.countByAuthorIn(member.id, ids)),
    ]);
    return {
      // The count kept on the member covers every category: others are not told of posts they may not see
      // (the member and staff who manage members get the real figure, as their trust progress does).
      member: toPublicMember({ ...member, post_count: Math.max(0, member.post_count - unseen) }),
      recentPosts: posts.map((p) => ({
        id: p.id,
        number: p.number,
        threadId: p.thread_id,
        threadTitle: p.thread_title,
        excerpt: excerpt(p.body_html),
        createdAt: p.created_at.toISOString(),
      })),
    };
  }

  async updateMe(actorOrNull: Actor | null, input: Static<typeof UpdateMeBody>) {
    const actor = requireActor(actorOrNull);
    const displayName =
      input.displayName === undefined ? undefined : await this.checkedDisplayName(actor, input.displayName);
    for (const field of ['bio', 'location', 'pronouns'] as const) {
      if (input[field] !== undefined) assertStorableText(field, input[field]);
    }
    const updated = await this.members.update(actor.id, {
      display_name: displayName,
      bio: input.bio,
      locale: input.locale,
      location: input.location?.trim(),
      pronouns: input.pronouns?.trim(),
      website: input.website === undefined ? undefined : checkedWebsite(input.website),
      theme: input.theme,
      reply_tracking: input.replyTracking,
    });
    if (!updated) throw new NotFoundError('member.not_found', 'No such member.');
    return toMe(updated);
  }

  /**
   * A display name is shown beside the username, so it may not pass for someone else: no bidi controls or
   * invisible characters (removed), not another member's username in any look-alike form, and for members
   * not a staff title ("admin", "modérateur"…).
   */
  private async checkedDisplayName(actor: Actor, raw: string): Promise<string> {
    const displayName = cleanDisplayName(raw);
    if (actor.role === 'member' && isStaffTitle(displayName)) {
      throw new UnprocessableError('display_name.reserved', 'This display name is reserved for the forum’s staff.', {
        field: 'displayName',
      });
    }
    const holder = displayName === '' ? undefined : await this.members.getBySkeleton(displayNameSkeleton(displayName));
    if (holder && holder.id !== actor.id) {
      throw new UnprocessableError(
        'display_name.confusable',
        'This display name looks like another member’s username.',
        { field: 'displayName' },
      );
    }
    return displayName;
  }

  /** Admins change roles; the last admin cannot demote themselves (the forum would have no admin left). */
  async setRole(actorOrNull: Actor | null, memberId: number, role: Role) {
    const actor = authorize(actorOrNull, 'member.set_role');
    const target = await this.members.getById(memberId);
    if (!target) throw new NotFoundError('member.not_found', 'No such member.');
    if (target.role === 'admin' && role !== 'admin' && (await this.members.countByRole('admin')) <= 1) {
      throw new UnprocessableError('member.last_admin', 'The last admin cannot lose the admin role.');
    }
    const updated = await this.db.transaction().execute(async (trx) => {
      const row = await new MembersRepository(trx).setRole(memberId, role);
      await new AuditRepository(trx).record({
        actorId: actor.id,
        action: 'member.role_changed',
        subjectType: 'member',
        subjectId: memberId,
        data: { from: target.role, to: role },
      });
      return row;
    });
    return toPublicMember(updated!);
  }
}
