import { canSeeCategory, canSeeThread, isListed, viewerOf } from '../../access/visibility.ts';
import type { Executor } from '../../db/kysely.ts';
import type { Post, SeeLevel, Thread } from '../../db/types.ts';
import { findMentions } from '../../lib/markdown.ts';
import { MembersRepository, PostsRepository, threadSeeLevel } from '../../content/index.ts';
import { type Audience, NotificationsRepository } from './notifications.repository.ts';

/** At most this many members are notified of mentions in one post (a list of names is not a reason to ping all). */
const MAX_MENTIONS = 10;
/** A Markdown blockquote line. */
const QUOTE = /^ {0,3}>/m;

type Seen = Pick<Thread, 'id' | 'state' | 'author_id'> & { see_level?: SeeLevel };

/** The thread with its category's see level (read once when the caller did not have it). */
async function withSeeLevel<T extends Seen>(db: Executor, thread: T): Promise<T & { see_level: SeeLevel }> {
  if (thread.see_level !== undefined) return thread as T & { see_level: SeeLevel };
  const row = await db
    .selectFrom('threads')
    .select(threadSeeLevel().as('see_level'))
    .where('id', '=', thread.id)
    .executeTakeFirstOrThrow();
  return { ...thread, see_level: row.see_level };
}

/** Is the thread shown to everyone (listed, in a category visitors see)? Then anyone may be told of it. */
const seenByAll = (thread: Seen & { see_level: SeeLevel }) => isListed(thread) && canSeeCategory(null, thread);

/**
 * May this member see the thread? News of a thread that lists do not show (held, hidden, deleted) reaches only
 * who may open it: its title is never told to someone who would get 404 reading it.
 */
async function maySee(db: Executor, thread: Seen, memberId: number): Promise<boolean> {
  const seen = await withSeeLevel(db, thread);
  if (seenByAll(seen)) return true;
  const member = await new MembersRepository(db).getViewer(memberId);
  return member !== undefined && canSeeThread(viewerOf(member), seen);
}

/**
 * The notifications that forum activity sends, written in the transaction of their cause (so a rolled-back post
 * notifies nobody, and each one becomes a live event through the trigger of migration 0009).
 */
export const notifier = {
  /** A post became visible (at once, or approved): the thread's author, the replied-to author, the mentioned. */
  async postPublished(
    db: Executor,
    /** `number` null: a reply whose number the database hands out earlier in this transaction (read there). */
    post: Pick<Post, 'id' | 'author_id' | 'reply_to_id' | 'body_md'> & { number: number | null },
    listedThread: Pick<Thread, 'id' | 'title' | 'author_id' | 'state'>,
    /** What the caller read already: the replied-to post's author, the thread's audience (`audience` below). */
    known: { parentAuthorId?: number; audience?: Audience } = {},
  ): Promise<void> {
    const thread = await withSeeLevel(db, listedThread);
    const notifications = new NotificationsRepository(db);
    // One statement: watchers and muters of the thread, who ignores the author, the author's names.
    const audience = known.audience ?? (await notifications.audience(thread.id, post.author_id));
    const data = {
      postId: post.id,
      threadId: thread.id,
      threadTitle: thread.title,
      ...(post.number !== null && { number: post.number }),
      by: audience.by,
    };
    // The post's number, where the database gives it: read by the statement that writes the notification.
    const numberOf = post.number === null ? post.id : undefined;
    // Who ignores the author hears nothing of them (counted as already told).
    const told = new Set<number>([post.author_id, ...audience.ignoring]);
    // Members who muted the thread (or its category) hear nothing of it but mentions; watchers hear every post.
    const muted = new Set(audience.muted);
    if (post.number !== 1 && !told.has(thread.author_id) && !muted.has(thread.author_id)) {
      told.add(thread.author_id);
      if (await maySee(db, thread, thread.author_id))
        await notifications.create(thread.author_id, 'reply', data, undefined, numberOf);
    }
    if (post.reply_to_id !== null) {
      const parent =
        known.parentAuthorId === undefined
          ? await new PostsRepository(db).getAuthorId(post.reply_to_id)
          : { author_id: known.parentAuthorId };
      if (parent && !told.has(parent.author_id) && !muted.has(parent.author_id)) {
        told.add(parent.author_id);
        if (await maySee(db, thread, parent.author_id)) {
          // The composer's Quote answers the post with its text as a blockquote: a quote, not a plain reply.
          const kind = QUOTE.test(post.body_md) ? 'quote' : 'reply';
          await notifications.create(
            parent.author_id,
            kind,
            { ...data, toPost: post.reply_to_id },
            undefined,
            numberOf,
          );
        }
      }
    }
    const names = findMentions(post.body_md).slice(0, MAX_MENTIONS);
    const mentioned = names.length ? await new MembersRepository(db).mentionable(names) : [];
    for (const m of mentioned) {
      if (told.has(m.id)) continue;
      told.add(m.id);
      if (await maySee(db, thread, m.id)) await notifications.create(m.id, 'mention', data, undefined, numberOf);
    }
    // Watchers of a listed thread, once each, after the more specific notifications above.
    let watchers = isListed(thread) ? audience.watching.filter((id) => !told.has(id)) : [];
    // In a category not everyone sees, only the watchers who still see it (a trust level lost, a category closed).
    if (watchers.length && !seenByAll(thread)) {
      const viewers = await new MembersRepository(db).getViewers(watchers);
      watchers = viewers.filter((m) => canSeeThread(viewerOf(m), thread)).map((m) => m.id);
    }
    if (watchers.length) await notifications.createMany(watchers, 'watched', data, numberOf);
  },

  /** A like or a "helpful" mark: one notification per post and kind while unread, counted up. */
  async reacted(
    db: Executor,
    post: Post,
    thread: Pick<Thread, 'id' | 'title'> & Seen,
    kind: 'like' | 'helpful',
    memberId: number,
  ): Promise<void> {
    if (!(await maySee(db, thread, post.author_id))) return;
    // Unless the author ignores the member; with the member's names (one statement).
    await new NotificationsRepository(db).createFromMember(
      post.author_id,
      memberId,
      kind,
      { postId: post.id, threadId: thread.id, threadTitle: thread.title, number: post.number },
      `${kind}:${post.id}`,
    );
  },

  async accepted(
    db: Executor,
    post: Post,
    thread: Pick<Thread, 'id' | 'title'> & Seen,
    memberId: number,
  ): Promise<void> {
    if (post.author_id === memberId || !(await maySee(db, thread, post.author_id))) return;
    await new NotificationsRepository(db).create(post.author_id, 'answer.accepted', {
      postId: post.id,
      threadId: thread.id,
      threadTitle: thread.title,
      number: post.number,
    });
  },
};
