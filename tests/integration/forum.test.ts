import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

let t: TestApp;
let category: Category;
let alice: Member;
let bob: Member;
let moderator: Member;
beforeAll(async () => {
  t = await createTestApp();
  category = await createCategory(t.db, { slug: 'randonnee', name: 'Randonnée' });
  alice = await createMember(t.db);
  bob = await createMember(t.db);
  moderator = await createMember(t.db, { role: 'moderator' });
});
afterAll(() => t.close());

describe('POST /api/threads', () => {
  it('creates a thread with its first post, cooked once, and answers 201 with the moderation verdict', async () => {
    const res = await t.api('POST', '/api/threads', {
      as: alice,
      body: {
        categoryId: category.id,
        title: 'Quelle tente pour le GR20 ?',
        body: 'Une **tente** légère ?',
        kind: 'question',
      },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.thread).toMatchObject({ title: 'Quelle tente pour le GR20 ?', kind: 'question', state: 'published' });
    expect(body.post).toMatchObject({ number: 1, html: '<p>Une <strong>tente</strong> légère ?</p>\n' });
    expect(body.moderation).toEqual({ state: 'published', action: 'allow', hits: [] });
    const page = await t.api('GET', `/api/threads/${body.thread.id}`);
    expect(page.json().posts[0].html).toBe(body.post.html);
  });

  it('answers 401 to a visitor', async () => {
    const res = await t.api('POST', '/api/threads', {
      body: { categoryId: category.id, title: 'Anonyme', body: 'Bonjour', kind: 'discussion' },
    });
    expect(res.statusCode).toBe(401);
  });

  it('answers 422 for an unknown category', async () => {
    const res = await t.api('POST', '/api/threads', {
      as: alice,
      body: { categoryId: 999999, title: 'Perdu', body: 'Où suis-je ?', kind: 'discussion' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('category.not_found');
  });
});

describe('replies', () => {
  it('numbers replies in order and links a reply to the post it answers', async () => {
    const { thread, post } = await createThread(t.db, alice, category.id);
    const r1 = await t.api('POST', `/api/threads/${thread.id}/posts`, { as: bob, body: { body: 'Première réponse' } });
    const r2 = await t.api('POST', `/api/threads/${thread.id}/posts`, {
      as: alice,
      body: { body: 'Merci @' + bob.username, replyTo: r1.json().post.id },
    });
    expect([r1.statusCode, r2.statusCode]).toEqual([201, 201]);
    expect([r1.json().post.number, r2.json().post.number]).toEqual([2, 3]);
    const page = (await t.api('GET', `/api/threads/${thread.id}`)).json();
    expect(page.posts.map((p: { number: number }) => p.number)).toEqual([1, 2, 3]);
    expect(page.posts[2].replyTo).toEqual({ id: r1.json().post.id, number: 2, username: bob.username });
    expect(page.posts[2].html).toContain(`href="/u/${bob.username}"`);
    expect(page.thread.replyCount).toBe(2);
    expect(post.number).toBe(1);
  });

  it('gives distinct numbers to concurrent replies', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.api('POST', `/api/threads/${thread.id}/posts`, { as: i % 2 ? alice : bob, body: { body: `Réponse ${i}` } }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(10).fill(201));
    const numbers = results.map((r) => r.json().post.number).sort((a: number, b: number) => a - b);
    expect(numbers).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('counts a category’s threads and posts exactly under concurrent writers (counts kept in shards)', async () => {
    const own = await createCategory(t.db);
    const threads = await Promise.all(
      Array.from({ length: 4 }, (_, i) => createThread(t.db, i % 2 ? alice : bob, own.id)),
    );
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        t.api('POST', `/api/threads/${threads[i % 4]!.thread.id}/posts`, {
          as: i % 2 ? alice : bob,
          body: { body: `Réponse parallèle ${i}` },
        }),
      ),
    );
    expect(replies.every((r) => r.statusCode === 201)).toBe(true);
    const listed = (await t.api('GET', '/api/categories')).json().categories;
    expect(listed.find((c: { id: number }) => c.id === own.id)).toMatchObject({ threadCount: 4, postCount: 44 });
    const shards = await t.db.selectFrom('category_counts').select('shard').where('category_id', '=', own.id).execute();
    expect(shards.length).toBeGreaterThan(1);
  });

  it('answers 422 when replyTo points into another thread', async () => {
    const one = await createThread(t.db, alice, category.id);
    const two = await createThread(t.db, alice, category.id);
    const res = await t.api('POST', `/api/threads/${two.thread.id}/posts`, {
      as: bob,
      body: { body: 'Hors sujet', replyTo: one.post.id },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('post.reply_to_invalid');
  });

  it('answers 404 for a thread that does not exist', async () => {
    const res = await t.api('POST', '/api/threads/987654/posts', { as: bob, body: { body: 'Allô ?' } });
    expect(res.statusCode).toBe(404);
  });

  it('refuses a suspended member with 403 and says until when', async () => {
    const until = new Date(Date.now() + 86_400_000);
    const suspended = await createMember(t.db, { suspendedUntil: until });
    const { thread } = await createThread(t.db, alice, category.id);
    const res = await t.api('POST', `/api/threads/${thread.id}/posts`, {
      as: suspended,
      body: { body: 'Je reviens !' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'member.suspended', details: { until: until.toISOString() } });
  });
});

describe('GET /api/threads/:id pagination', () => {
  it('pages posts by number with after/limit, without gaps or repeats', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    for (let i = 0; i < 6; i++) await createReply(t.db, i % 2 ? alice : bob, thread.id, `Réponse ${i}`);
    const seen: number[] = [];
    let after = 0;
    for (;;) {
      const page = (await t.api('GET', `/api/threads/${thread.id}?after=${after}&limit=3`)).json();
      seen.push(...page.posts.map((p: { number: number }) => p.number));
      if (page.page.nextAfter === null) break;
      after = page.page.nextAfter;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('thread lists', () => {
  it('pages the latest threads with a keyset cursor, newest activity first', async () => {
    const cat = await createCategory(t.db);
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createThread(t.db, alice, cat.id)).thread.id);
    await createReply(t.db, bob, ids[0]!); // bumps the oldest to the top
    const seen: number[] = [];
    let cursor = '';
    for (;;) {
      const res = await t.api('GET', `/api/categories/${cat.slug}/threads?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      seen.push(...res.json().threads.map((th: { id: number }) => th.id));
      cursor = res.json().nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual([ids[0], ids[4], ids[3], ids[2], ids[1]]);
  });

  it('sorts by score for "top" and lists only threads without replies for "unanswered"', async () => {
    const cat = await createCategory(t.db);
    const quiet = await createThread(t.db, alice, cat.id, { kind: 'question' });
    const popular = await createThread(t.db, alice, cat.id);
    await createReply(t.db, bob, popular.thread.id);
    await t.api('POST', `/api/posts/${popular.post.id}/reactions/like`, { as: bob });
    const top = (await t.api('GET', `/api/categories/${cat.slug}/threads?sort=top`)).json();
    expect(top.threads[0].id).toBe(popular.thread.id);
    const unanswered = (await t.api('GET', `/api/categories/${cat.slug}/threads?sort=unanswered`)).json();
    expect(unanswered.threads.map((th: { id: number }) => th.id)).toEqual([quiet.thread.id]);
  });

  it('answers 400 to a forged cursor and 404 to an unknown category', async () => {
    const bad = await t.api('GET', `/api/categories/${category.slug}/threads?cursor=bm90LWEtY3Vyc29y`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('cursor.invalid');
    expect((await t.api('GET', '/api/categories/nope-nope/threads')).statusCode).toBe(404);
  });
});

describe('editing', () => {
  it('keeps the previous version as a revision and re-renders the body', async () => {
    const { thread, post } = await createThread(t.db, alice, category.id, {
      title: 'Titre initial',
      body: 'Texte initial',
    });
    const res = await t.api('PATCH', `/api/posts/${post.id}`, {
      as: alice,
      body: { title: 'Titre corrigé', body: '*Texte* corrigé' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().post.html).toBe('<p><em>Texte</em> corrigé</p>\n');
    const page = (await t.api('GET', `/api/threads/${thread.id}`)).json();
    expect(page.thread.title).toBe('Titre corrigé');
    expect(page.posts[0].editCount).toBe(1);
    const revisions = (await t.api('GET', `/api/posts/${post.id}/revisions`, { as: alice })).json().revisions;
    expect(revisions).toHaveLength(1);
    expect(revisions[0]).toMatchObject({ revision: 1, title: 'Titre initial', body: 'Texte initial' });
  });

  it("refuses another member's edit with 403 and lets a moderator edit", async () => {
    const { post } = await createThread(t.db, alice, category.id);
    expect((await t.api('PATCH', `/api/posts/${post.id}`, { as: bob, body: { body: 'Piraté' } })).statusCode).toBe(403);
    expect(
      (await t.api('PATCH', `/api/posts/${post.id}`, { as: moderator, body: { body: 'Modéré' } })).statusCode,
    ).toBe(200);
  });

  it('refuses a title on a reply with 422', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    const reply = await createReply(t.db, bob, thread.id);
    const res = await t.api('PATCH', `/api/posts/${reply.id}`, { as: bob, body: { title: 'Nouveau titre' } });
    expect(res.statusCode).toBe(422);
  });

  it('hides revisions from other members (403) but shows them to moderators', async () => {
    const { post } = await createThread(t.db, alice, category.id);
    await t.api('PATCH', `/api/posts/${post.id}`, { as: alice, body: { body: 'v2' } });
    expect((await t.api('GET', `/api/posts/${post.id}/revisions`, { as: bob })).statusCode).toBe(403);
    expect((await t.api('GET', `/api/posts/${post.id}/revisions`, { as: moderator })).statusCode).toBe(200);
  });
});

describe('soft delete', () => {
  it('keeps a deleted reply in place without its content and updates the counts', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    const reply = await createReply(t.db, bob, thread.id, 'À supprimer');
    const res = await t.api('DELETE', `/api/posts/${reply.id}`, { as: bob });
    expect(res.statusCode).toBe(200);
    const page = (await t.api('GET', `/api/threads/${thread.id}`)).json();
    expect(page.posts[1]).toMatchObject({ number: 2, state: 'deleted', html: '' });
    expect(page.thread.replyCount).toBe(0);
    const stored = await t.db
      .selectFrom('posts')
      .select('body_md')
      .where('id', '=', reply.id)
      .executeTakeFirstOrThrow();
    expect(stored.body_md).toBe('À supprimer');
  });

  it('deletes the thread with its first post: members then get 404', async () => {
    const { thread, post } = await createThread(t.db, alice, category.id);
    expect((await t.api('DELETE', `/api/posts/${post.id}`, { as: alice })).json().threadDeleted).toBe(true);
    expect((await t.api('GET', `/api/threads/${thread.id}`, { as: bob })).statusCode).toBe(404);
    expect((await t.api('GET', `/api/threads/${thread.id}`, { as: moderator })).statusCode).toBe(200);
  });

  it("refuses to delete another member's post with 403", async () => {
    const { post } = await createThread(t.db, alice, category.id);
    expect((await t.api('DELETE', `/api/posts/${post.id}`, { as: bob })).statusCode).toBe(403);
  });
});

describe('reactions and accepted answers', () => {
  it('counts one like per member however often it is sent, and takes it back', async () => {
    const { thread, post } = await createThread(t.db, alice, category.id);
    const first = await t.api('POST', `/api/posts/${post.id}/reactions/like`, { as: bob });
    const again = await t.api('POST', `/api/posts/${post.id}/reactions/like`, { as: bob });
    expect([first.json().likeCount, again.json().likeCount]).toEqual([1, 1]);
    const page = (await t.api('GET', `/api/threads/${thread.id}`, { as: bob })).json();
    expect(page.posts[0]).toMatchObject({ likeCount: 1, liked: true });
    expect(page.thread.score).toBe(1);
    const undo = await t.api('DELETE', `/api/posts/${post.id}/reactions/like`, { as: bob });
    expect(undo.json()).toMatchObject({ likeCount: 0, active: false });
  });

  it('counts concurrent likes from different members exactly', async () => {
    const { post } = await createThread(t.db, alice, category.id);
    const likers = await Promise.all(Array.from({ length: 8 }, () => createMember(t.db)));
    await Promise.all(likers.map((m) => t.api('POST', `/api/posts/${post.id}/reactions/like`, { as: m })));
    await Promise.all(likers.map((m) => t.api('POST', `/api/posts/${post.id}/reactions/like`, { as: m })));
    const row = await t.db.selectFrom('posts').select('like_count').where('id', '=', post.id).executeTakeFirstOrThrow();
    expect(row.like_count).toBe(8);
  });

  it('refuses a like on your own post with 403', async () => {
    const { post } = await createThread(t.db, alice, category.id);
    const res = await t.api('POST', `/api/posts/${post.id}/reactions/like`, { as: alice });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('reaction.own_post');
  });

  it('allows "helpful" on tips and refuses it on discussions with 422', async () => {
    const tip = await createThread(t.db, alice, category.id, { kind: 'tip' });
    const talk = await createThread(t.db, alice, category.id, { kind: 'discussion' });
    expect((await t.api('POST', `/api/posts/${tip.post.id}/reactions/helpful`, { as: bob })).json().helpfulCount).toBe(
      1,
    );
    expect((await t.api('POST', `/api/posts/${talk.post.id}/reactions/helpful`, { as: bob })).statusCode).toBe(422);
  });

  it('writes nothing of a refused reaction (its row, counters, score and notices roll back)', async () => {
    // The reaction goes out with its post's and thread's reads and is rolled back when the checks refuse it.
    const talk = await createThread(t.db, alice, category.id, { kind: 'discussion' });
    const hidden = await createCategory(t.db);
    await t.db.updateTable('categories').set({ see_level: 'staff' }).where('id', '=', hidden.id).execute();
    const staffOnly = await createThread(t.db, moderator, hidden.id);
    const held = await createReply(t.db, alice, talk.thread.id, 'En attente de relecture');
    await t.db.updateTable('posts').set({ state: 'pending' }).where('id', '=', held.id).execute();
    const suspended = await createMember(t.db, { suspendedUntil: new Date(Date.now() + 86_400_000) });
    const snapshot = () =>
      Promise.all([
        t.db.selectFrom('reactions').select(['post_id', 'member_id', 'kind']).orderBy('id').execute(),
        t.db.selectFrom('posts').select(['id', 'like_count', 'helpful_count']).orderBy('id').execute(),
        t.db.selectFrom('threads').select(['id', 'score', 'version']).orderBy('id').execute(),
        t.db.selectFrom('live_events').select('id').orderBy('id').execute(),
      ]);
    const before = await snapshot();
    const refused = [
      [alice, talk.post.id, 'like', 403, 'reaction.own_post'],
      [bob, talk.post.id, 'helpful', 422, 'reaction.helpful_not_allowed'],
      [bob, staffOnly.post.id, 'like', 404, 'post.not_found'],
      [bob, held.id, 'like', 404, 'post.not_found'],
      [bob, 2_000_000_000, 'like', 404, 'post.not_found'],
      [suspended, talk.post.id, 'like', 403, undefined],
    ] as const;
    for (const [who, postId, kind, status, code] of refused) {
      const res = await t.api('POST', `/api/posts/${postId}/reactions/${kind}`, { as: who });
      expect([res.statusCode, code && res.json().error.code], `${kind} on ${postId}`).toEqual([status, code]);
    }
    expect(await snapshot()).toEqual(before);
    // A suspended member's click is refused before anything is sent, whatever the post.
    t.resetQueries();
    const hiddenToThem = await t.api('POST', `/api/posts/${staffOnly.post.id}/reactions/like`, { as: suspended });
    expect(hiddenToThem.statusCode).toBe(403);
    expect(t.queries.filter((q) => /reactions/i.test(q))).toEqual([]);
    // The same like by a member who may: written, counted.
    const ok = await t.api('POST', `/api/posts/${talk.post.id}/reactions/like`, { as: bob });
    expect(ok.json()).toMatchObject({ likeCount: 1, active: true });
  });

  it("lets the question's author accept a reply, refuses others with 403, and non-questions with 422", async () => {
    const question = await createThread(t.db, alice, category.id, { kind: 'question' });
    const answer = await createReply(t.db, bob, question.thread.id, 'La réponse');
    const stranger = await createMember(t.db);
    const refused = await t.api('POST', `/api/threads/${question.thread.id}/accept`, {
      as: stranger,
      body: { postId: answer.id },
    });
    expect(refused.statusCode).toBe(403);
    const ok = await t.api('POST', `/api/threads/${question.thread.id}/accept`, {
      as: alice,
      body: { postId: answer.id },
    });
    expect(ok.json()).toEqual({ acceptedPostId: answer.id });
    const cleared = await t.api('POST', `/api/threads/${question.thread.id}/accept`, {
      as: alice,
      body: { postId: null },
    });
    expect(cleared.json()).toEqual({ acceptedPostId: null });
    const talk = await createThread(t.db, alice, category.id, { kind: 'discussion' });
    const reply = await createReply(t.db, bob, talk.thread.id);
    expect(
      (await t.api('POST', `/api/threads/${talk.thread.id}/accept`, { as: alice, body: { postId: reply.id } }))
        .statusCode,
    ).toBe(422);
  });

  it('refuses the first post as the answer with 422', async () => {
    const question = await createThread(t.db, alice, category.id, { kind: 'question' });
    const res = await t.api('POST', `/api/threads/${question.thread.id}/accept`, {
      as: alice,
      body: { postId: question.post.id },
    });
    expect(res.statusCode).toBe(422);
  });
});

describe('GET /api/posts/:id and the preview', () => {
  it('returns the Markdown source exactly as written', async () => {
    const body = 'Ligne 1\n\n  * puce  \n<b>brut</b>';
    const { post } = await createThread(t.db, alice, category.id, { body });
    expect((await t.api('GET', `/api/posts/${post.id}`)).json().body).toBe(body);
  });

  it('previews through the same sanitizer, for members only', async () => {
    const res = await t.api('POST', '/api/markdown/preview', {
      as: alice,
      body: { body: '**ok** <script>x()</script>' },
    });
    expect(res.json().html).toContain('<strong>ok</strong>');
    expect(res.json().html).not.toContain('<script');
    expect((await t.api('POST', '/api/markdown/preview', { body: { body: 'x' } })).statusCode).toBe(401);
  });
});
