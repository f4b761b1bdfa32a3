import type { Actor } from '../../access/access.ts';
import { sql } from 'kysely';
import type { Db, Executor } from '../../db/kysely.ts';
import { type ImageMap, renderMarkdown } from '../../lib/markdown.ts';

/**
 * Posts cooked before images were ours still hold `<img src="https://elsewhere…">`: every reader's browser would
 * fetch it from its host (a tracking pixel works), and the CSP now refuses it (a broken image). Each such image
 * is downloaded through the upload pipeline and becomes ours, as at publication; one that cannot be had becomes
 * a link, as at publication. The stored HTML is changed in place: re-rendering the Markdown would undo what the
 * netiquette masked when the post was published.
 */
const EXTERNAL_IMG = /<img\b[^>]*\bsrc="(https?:\/\/[^"]+)"[^>]*>/gi;

const decode = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The external image addresses a stored post's HTML shows. */
export function externalImages(html: string): string[] {
  return [...new Set([...html.matchAll(EXTERNAL_IMG)].map((m) => decode(m[1]!)))];
}

export interface ImageResolver {
  resolve(actor: Actor, markdown: string): Promise<{ images: ImageMap; uploadIds: number[] }>;
  attach(trx: Executor, postId: number, uploadIds: readonly number[]): Promise<void>;
}

/** The post's HTML with its external images made ours (or links), and the uploads it now shows. */
export async function localizeHtml(
  uploads: ImageResolver,
  author: Actor,
  html: string,
): Promise<{ html: string; uploadIds: number[]; changed: number }> {
  const uploadIds: number[] = [];
  const replacements = new Map<string, string>();
  for (const match of html.matchAll(EXTERNAL_IMG)) {
    const tag = match[0];
    if (replacements.has(tag)) continue;
    const url = decode(match[1]!);
    const alt = decode(/\balt="([^"]*)"/i.exec(tag)?.[1] ?? '');
    const markdown = `![${alt.replace(/[[\]\\]/g, '\\$&')}](<${url}>)`;
    const { images, uploadIds: ids } = await uploads.resolve(author, markdown);
    uploadIds.push(...ids);
    const ours = ids.length > 0 ? /<img\b[^>]*>/i.exec(renderMarkdown(markdown, new Set(), images))?.[0] : undefined;
    replacements.set(
      tag,
      ours ?? `<a href="${escape(url)}" rel="nofollow ugc noopener noreferrer">${escape(alt || url)}</a>`,
    );
  }
  let out = html;
  for (const [tag, replacement] of replacements) out = out.split(tag).join(replacement);
  return { html: out, uploadIds: [...new Set(uploadIds)], changed: replacements.size };
}

/**
 * Operator command (`npm run agora -- images-localize`): every stored post still showing an external image, a
 * batch at a time, each changed with its upload links in one transaction. Idempotent: run it again, nothing left.
 */
export async function localizeStoredPosts(
  db: Db,
  uploads: ImageResolver,
  onPost: (postId: number, changed: number) => void = () => {},
): Promise<{ posts: number; images: number }> {
  let after = 0;
  let posts = 0;
  let images = 0;
  for (;;) {
    const batch = await db
      .selectFrom('posts')
      .innerJoin('members', 'members.id', 'posts.author_id')
      .select(['posts.id', 'posts.thread_id', 'posts.body_html', 'members.id as author_id', 'members.username'])
      .select('members.role')
      .select(['members.trust_level', 'members.suspended_until', 'members.banned_at'])
      .where('posts.id', '>', after)
      .where('posts.state', '<>', 'deleted')
      .where(sql<boolean>`posts.body_html ~* '<img[^>]*src="https?://'`)
      .orderBy('posts.id')
      .limit(100)
      .execute();
    if (batch.length === 0) return { posts, images };
    for (const row of batch) {
      after = row.id;
      const author: Actor = {
        id: row.author_id,
        username: row.username,
        role: row.role,
        trustLevel: row.trust_level,
        suspendedUntil: row.suspended_until,
        bannedAt: row.banned_at,
      };
      const done = await localizeHtml(uploads, author, row.body_html);
      if (done.changed === 0) continue;
      await db.transaction().execute(async (trx) => {
        // The post keeps the uploads it already showed, and adds the downloaded ones.
        const shown = await trx.selectFrom('upload_posts').select('upload_id').where('post_id', '=', row.id).execute();
        await trx.updateTable('posts').set({ body_html: done.html }).where('id', '=', row.id).execute();
        // The thread's pages show the new HTML: its version moves, so no node keeps the old one.
        await trx
          .updateTable('threads')
          .set((eb) => ({ version: eb('version', '+', 1) }))
          .where('id', '=', row.thread_id)
          .execute();
        await uploads.attach(trx, row.id, [...new Set([...shown.map((r) => r.upload_id), ...done.uploadIds])]);
      });
      posts += 1;
      images += done.changed;
      onPost(row.id, done.changed);
    }
  }
}
