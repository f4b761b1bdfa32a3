import { randomBytes } from 'node:crypto';
import { SEE_LEVELS } from '../access/visibility.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/kysely.ts';
import type { ThreadKind } from '../db/types.ts';
import { renderMarkdown } from '../lib/markdown.ts';
import { postSentiment } from '../modules/community/index.ts';
import { hashPassword } from '../lib/password.ts';
import { CategoriesRepository, MembersRepository, PostsRepository, ThreadsRepository } from '../content/index.ts';
import { ReactionsRepository } from '../modules/forum/index.ts';
import { ReputationService, ReputationSettingsStore } from '../modules/reputation/index.ts';
import { SiteSettingsRepository } from '../modules/site/index.ts';
import { ModerationRepository } from '../modules/moderation/index.ts';
import { compileRules, defaultDefinitions, evaluate } from '../modules/netiquette/index.ts';
import { CATEGORIES, COMMUNITY, MEMBERS, REPLIES, STAFF, THREADS } from './content.ts';
import { textLanguage } from '../lib/language.ts';

/** Small deterministic PRNG so that every fresh demo looks the same. */
function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS: ThreadKind[] = ['announcement', 'question', 'tip', 'idea', 'discussion'];

/** Seeds the demo community once; a marker in site_settings prevents a second run. */
export async function seedDemo(db: Db, _config: Config, print: (line: string) => void = () => {}): Promise<boolean> {
  const settings = new SiteSettingsRepository(db);
  if (await settings.get('demo_seeded_at')) return false;
  const started = Date.now();
  const random = mulberry32(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  // Demo members cannot be logged into: their password is random and never shown.
  const passwordHash = await hashPassword(randomBytes(24).toString('base64url'));

  const reputation = new ReputationService(new ReputationSettingsStore(db));
  await db.transaction().execute(async (trx) => {
    const members = new MembersRepository(trx);
    const categories = new CategoriesRepository(trx);
    const threads = new ThreadsRepository(trx);
    const posts = new PostsRepository(trx);
    const reactions = new ReactionsRepository(trx);
    const now = Date.now();
    const DAY = 86_400_000;

    const people = [];
    for (const [i, m] of MEMBERS.entries()) {
      people.push(
        await members.create({
          username: m.username,
          email: `${m.username}@demo.invalid`,
          password_hash: passwordHash,
          display_name: m.displayName,
          bio: m.bio,
          // Trust levels are computed from the activity below (see the refresh at the end).
          netiquette_accepted_at: new Date(now - 90 * DAY),
          created_at: new Date(now - (120 - i * 5) * DAY),
        }),
      );
    }
    const staff = [];
    for (const s of STAFF) {
      staff.push(
        await members.create({
          username: s.username,
          email: `${s.username}@demo.invalid`,
          password_hash: passwordHash,
          display_name: s.displayName,
          bio: s.bio,
          role: s.role,
          trust_level: 4,
          netiquette_accepted_at: new Date(now - 200 * DAY),
          created_at: new Date(now - 200 * DAY),
        }),
      );
    }
    const brand = staff[0]!;
    const everyone = [...people, ...staff];

    const categoryIds = new Map<string, number>();
    for (const [position, c] of CATEGORIES.entries()) {
      const created = await categories.create({
        slug: c.slug,
        name: c.name,
        description: c.description,
        color: c.color,
        position,
        moderation_mode: 'reactive',
        start_level: 'startLevel' in c ? c.startLevel : 'member',
        kinds: 'kinds' in c ? [...c.kinds] : null,
      });
      categoryIds.set(c.slug, created.id);
    }

    // Interleave the kinds over the last 60 days, oldest first.
    const plan = KINDS.flatMap((kind) => THREADS[kind].map((seed, index) => ({ kind, seed, index })));
    plan.sort((a, b) => a.index - b.index || KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind));
    for (const [order, { kind, seed, index }] of plan.entries()) {
      const categoryId = categoryIds.get(seed.category)!;
      const author = kind === 'announcement' ? brand : pick(people);
      const createdAt = new Date(now - (60 - order * (58 / plan.length)) * DAY);
      const thread = await threads.create({
        category_id: categoryId,
        author_id: author.id,
        kind,
        title: seed.title,
        official: kind === 'announcement',
        pinned: kind === 'announcement' && index === 0,
        featured: index === 3,
        post_count: 1,
        last_post_at: createdAt,
        last_poster_id: author.id,
        created_at: createdAt,
      });
      const first = await posts.create({
        thread_id: thread.id,
        author_id: author.id,
        number: 1,
        body_md: seed.body,
        body_html: renderMarkdown(seed.body, new Set(everyone.map((m) => m.username.toLowerCase()))),
        sentiment: postSentiment(seed.body, seed.title),
        lang: textLanguage(`${seed.title}\n\n${seed.body}`),
        created_at: createdAt,
      });
      await members.addPostCount(author.id, 1);
      // A few questions stay unanswered so that the "unanswered" tab has something to show.
      const replyCount = kind === 'question' && index % 4 === 3 ? 0 : 1 + Math.floor(random() * 5);
      const replies = [];
      for (let r = 0; r < replyCount; r++) {
        const replier = pick(everyone.filter((m) => m.id !== author.id));
        const at = new Date(Math.min(now - 60_000, createdAt.getTime() + (r + 1) * (2 + random() * 20) * 3_600_000));
        const number = await threads.nextPostNumber(thread.id, replier.id, at);
        // A question's first reply answers it; later replies are the usual thanks and agreement.
        const text =
          kind === 'question'
            ? r === 0
              ? REPLIES.question[index % REPLIES.question.length]!
              : pick(REPLIES.discussion)
            : pick(REPLIES[kind]);
        const reply = await posts.create({
          thread_id: thread.id,
          author_id: replier.id,
          number,
          reply_to_id: r > 0 && random() < 0.3 ? first.id : null,
          body_md: text,
          body_html: renderMarkdown(text),
          sentiment: postSentiment(text),
          lang: textLanguage(text),
          created_at: at,
        });
        replies.push(reply);
        await members.addPostCount(replier.id, 1);
        await reputation.replyPublished(trx, reply, thread, { at, refresh: false });
      }
      for (const post of [first, ...replies]) {
        const likers = everyone.filter((m) => m.id !== post.author_id && random() < (post.number === 1 ? 0.35 : 0.15));
        for (const liker of likers) {
          const { reactionId } = await reactions.toggle({ id: post.id, threadId: thread.id }, liker.id, 'like', true);
          if (reactionId !== undefined) {
            await reputation.reacted(trx, { id: reactionId, kind: 'like', memberId: liker.id }, post, thread, true, {
              at: post.created_at,
              refresh: false,
            });
          }
        }
        if (kind === 'tip' && post.number === 1) {
          for (const helper of likers.slice(0, 3)) {
            const { reactionId } = await reactions.toggle(
              { id: post.id, threadId: thread.id },
              helper.id,
              'helpful',
              true,
            );
            if (reactionId !== undefined) {
              await reputation.reacted(
                trx,
                { id: reactionId, kind: 'helpful', memberId: helper.id },
                post,
                thread,
                true,
                { at: post.created_at, refresh: false },
              );
            }
          }
        }
      }
      if (kind === 'question' && replies.length > 0 && index % 3 === 0) {
        const updated = (await threads.update(thread.id, { accepted_post_id: replies[0]!.id }))!;
        await reputation.accepted(trx, updated, undefined, replies[0], { at: replies[0]!.created_at, refresh: false });
      }
      await categories.addCounts(categoryId, { threads: 1, posts: 1 + replies.length });
    }
    // Something for the moderators to do on their first visit: a reply the netiquette held, and a report.
    const rules = compileRules(defaultDefinitions());
    const moderation = new ModerationRepository(trx);
    const heldThread = (await threads.list({ sort: 'latest', limit: 1, seeLevels: SEE_LEVELS }))[0]!;
    const heldText = 'Franchement, le livreur est un vrai c0nnard, trois semaines de retard !';
    const verdict = evaluate(
      { body: heldText },
      {
        trustLevel: 0,
        role: 'member',
        accountAgeDays: 3,
        categoryId: heldThread.category_id,
        authorPostCount: 5,
        recentPosts: [],
        now: new Date(),
      },
      rules,
    );
    const hits = verdict.hits.filter((h) => h.action !== 'allow');
    const author = people.at(-1)!;
    const number = await threads.nextPostNumber(heldThread.id, author.id, new Date(now - 30 * 60_000), false);
    const held = await posts.create({
      thread_id: heldThread.id,
      author_id: author.id,
      number,
      body_md: heldText,
      body_html: renderMarkdown(heldText),
      state: 'pending',
      moderation: JSON.stringify({ reasons: ['rule'], hits }),
      created_at: new Date(now - 30 * 60_000),
    });
    await moderation.openOrMerge({ postId: held.id, reasons: ['rule'], hits, priority: 41 });
    const reported = (await posts.listByAuthor(people[1]!.id, 1, SEE_LEVELS))[0];
    if (reported) {
      await moderation.addReport({
        postId: reported.id,
        reporterId: people[2]!.id,
        reason: 'off_topic',
        note: 'Rien à voir avec la randonnée.',
      });
      await moderation.openOrMerge({ postId: reported.id, reasons: ['report'], hits: [], priority: 28, reports: 1 });
    }

    // Trust levels and badges follow from the replayed activity, as they would have.
    await reputation.refresh(
      trx,
      everyone.map((m) => m.id),
    );

    const site = new SiteSettingsRepository(trx);
    await site.set('name', COMMUNITY.name);
    await site.set('tagline', COMMUNITY.tagline);
    await site.set('demo_seeded_at', new Date().toISOString());
  });
  print(`Seeded the demo community "${COMMUNITY.name}" in ${Date.now() - started} ms (DEMO=0 to skip).`);
  return true;
}
