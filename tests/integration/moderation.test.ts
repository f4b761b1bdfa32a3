import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

let t: TestApp;
let category: Category;
let alice: Member;
let bob: Member;
let newbie: Member;
let moderator: Member;
let moderator2: Member;
let manager: Member;
beforeAll(async () => {
  t = await createTestApp();
  category = await createCategory(t.db);
  alice = await createMember(t.db);
  bob = await createMember(t.db);
  newbie = await createMember(t.db, { trustLevel: 0 });
  moderator = await createMember(t.db, { role: 'moderator' });
  moderator2 = await createMember(t.db, { role: 'moderator' });
  manager = await createMember(t.db, { role: 'community_manager' });
});
afterAll(() => t.close());

const newThread = (as: Member, body: string, extra: Record<string, unknown> = {}) =>
  t.api('POST', '/api/threads', {
    as,
    body: { categoryId: category.id, title: 'Un sujet de test', body, kind: 'discussion', ...extra },
  });
const openItemFor = (postId: number) =>
  t.db
    .selectFrom('moderation_items')
    .selectAll()
    .where('post_id', '=', postId)
    .where('status', '=', 'open')
    .executeTakeFirst();

describe('POST /api/netiquette/check', () => {
  it('returns the verdict with spans and messages, and stores nothing', async () => {
    const before = await t.db
      .selectFrom('posts')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const res = await t.api('POST', '/api/netiquette/check', {
      as: alice,
      body: { body: 'Quel c0nnard ce vendeur', categoryId: category.id },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      action: 'hold',
      hits: [{ ruleKey: 'insults', excerpt: 'c0nnard', start: 5, end: 12 }],
    });
    expect(res.json().hits[0].messages.fr).toBeTruthy();
    const after = await t.db
      .selectFrom('posts')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('answers 401 to visitors', async () => {
    expect((await t.api('POST', '/api/netiquette/check', { body: { body: 'x' } })).statusCode).toBe(401);
  });

  it('tells moderators why each rule fired or let a passage go', async () => {
    const body = 'Quel idiot je fais, mon pneu crève encore. Sa queue de cheval dépasse du casque. Espèce de connard.';
    const res = await t.api('POST', '/api/netiquette/check', {
      as: moderator,
      body: { body, categoryId: category.id },
    });
    expect(res.statusCode).toBe(200);
    const explain = res.json().explain as {
      ruleKey: string;
      fired: boolean;
      excerpt: string;
      why: { fr: string; en: string };
    }[];
    expect(explain).toContainEqual(expect.objectContaining({ ruleKey: 'insults', fired: true, excerpt: 'connard' }));
    const self = explain.find((e) => e.excerpt === 'idiot')!;
    expect(self).toMatchObject({ ruleKey: 'insults', fired: false });
    expect(self.why.en).toMatch(/themselves/);
    expect(self.why.fr).toMatch(/lui-même/);
    expect(explain.find((e) => e.excerpt === 'crève')).toMatchObject({ ruleKey: 'threats', fired: false });
    expect(explain.find((e) => e.excerpt === 'queue')).toMatchObject({ ruleKey: 'sexual', fired: false });
    expect(res.json().action).toBe('hold');
  });

  it('gives a member the verdict without the explanation', async () => {
    const res = await t.api('POST', '/api/netiquette/check', {
      as: alice,
      body: { body: 'Quel idiot je fais. Espèce de connard.', categoryId: category.id },
    });
    expect(res.json().action).toBe('hold');
    expect(res.json()).not.toHaveProperty('explain');
  });
});

describe('publishing through the netiquette', () => {
  it('refuses a post the rules reject with 422, returning the reasons and the text', async () => {
    const body = 'Mon IBAN : FR76 3000 6000 0112 3456 7890 189';
    const res = await newThread(alice, body);
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({
      code: 'netiquette.rejected',
      details: { body, title: 'Un sujet de test' },
    });
    expect(res.json().error.details.hits[0].ruleKey).toBe('iban');
  });

  it('holds a post: it is pending for its author and invisible to everyone else', async () => {
    const res = await newThread(alice, 'Espèce de connard de livreur.');
    expect(res.statusCode).toBe(201);
    expect(res.json().moderation).toMatchObject({ state: 'pending', action: 'hold' });
    const threadId = res.json().thread.id;
    expect((await t.api('GET', `/api/threads/${threadId}`)).statusCode).toBe(404);
    expect((await t.api('GET', `/api/threads/${threadId}`, { as: bob })).statusCode).toBe(404);
    const mine = (await t.api('GET', `/api/threads/${threadId}`, { as: alice })).json();
    expect(mine.posts[0]).toMatchObject({ state: 'pending', review: { reasons: ['rule'] } });
    const latest = (await t.api('GET', '/api/threads')).json().threads.map((th: { id: number }) => th.id);
    expect(latest).not.toContain(threadId);
    expect(await openItemFor(res.json().post.id)).toMatchObject({ reasons: ['rule'] });
  });

  it('keeps a held reply out of the thread for other readers, with no trace in its activity', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    const res = await t.api('POST', `/api/threads/${thread.id}/posts`, {
      as: bob,
      body: { body: 'Tu es vraiment débile.' },
    });
    expect(res.json().moderation.state).toBe('pending');
    const visitor = (await t.api('GET', `/api/threads/${thread.id}`)).json();
    expect(visitor.posts).toHaveLength(1);
    expect(visitor.thread.replyCount).toBe(0);
    const list = (await t.api('GET', `/api/categories/${category.slug}/threads`)).json();
    expect(list.threads.find((th: { id: number }) => th.id === thread.id).lastPoster).toBe(alice.username);
  });

  it('publishes a flagged post and queues it for review', async () => {
    const res = await newThread(alice, 'Une promo ici : https://bit.ly/abc');
    expect(res.json().moderation).toMatchObject({ state: 'published', action: 'flag' });
    expect(await openItemFor(res.json().post.id)).toMatchObject({ reasons: ['rule'] });
  });

  it('masks censored words in what is published, and keeps the text as written for its author', async () => {
    const res = await newThread(alice, 'Putain, quelle vue depuis le sommet !');
    expect(res.json().post.html).toContain('P•••••, quelle vue');
    expect((await t.api('GET', `/api/posts/${res.json().post.id}`, { as: alice })).json().body).toBe(
      'Putain, quelle vue depuis le sommet !',
    );
  });

  it("flags a new member's first posts", async () => {
    const res = await newThread(newbie, 'Bonjour à tous, je découvre la communauté.');
    expect(res.json().moderation).toMatchObject({ state: 'published', action: 'flag' });
  });

  it('never holds staff posts', async () => {
    const res = await newThread(moderator, 'Espèce de connard, je teste la modération.');
    expect(res.json().moderation.state).toBe('published');
  });
});

describe('category moderation modes', () => {
  it('pre: holds posts below the bypass trust level, not above it, never the staff', async () => {
    const pre = await createCategory(t.db);
    const set = await t.api('PATCH', `/api/categories/${pre.id}`, {
      as: manager,
      body: { moderationMode: 'pre', bypassTrustLevel: 2 },
    });
    expect(set.json()).toMatchObject({ moderationMode: 'pre', bypassTrustLevel: 2 });
    const trusted = await createMember(t.db, { trustLevel: 2 });
    const post = (as: Member) =>
      t.api('POST', '/api/threads', {
        as,
        body: { categoryId: pre.id, title: 'A priori', body: 'Bonjour tout le monde', kind: 'discussion' },
      });
    expect((await post(alice)).json().moderation.state).toBe('pending');
    expect((await post(trusted)).json().moderation.state).toBe('published');
    expect((await post(moderator)).json().moderation.state).toBe('published');
  });

  it('post: publishes and queues for review', async () => {
    const postMode = await createCategory(t.db);
    await t.db.updateTable('categories').set({ moderation_mode: 'post' }).where('id', '=', postMode.id).execute();
    const post = (as: Member) =>
      t.api('POST', '/api/threads', {
        as,
        body: { categoryId: postMode.id, title: 'A posteriori', body: 'Bonjour', kind: 'discussion' },
      });
    const res = await post(newbie);
    expect(res.json().moderation.state).toBe('published');
    expect((await openItemFor(res.json().post.id))?.reasons).toContain('post');
  });

  it('post: reviews a sample of posts per trust level, as community managers set it', async () => {
    const postMode = await createCategory(t.db);
    await t.db.updateTable('categories').set({ moderation_mode: 'post' }).where('id', '=', postMode.id).execute();
    const post = (as: Member) =>
      t.api('POST', '/api/threads', {
        as,
        body: { categoryId: postMode.id, title: 'Échantillon', body: 'Bonjour', kind: 'discussion' },
      });
    const set = (postSampling: number[]) =>
      t.api('PUT', '/api/moderation/settings', { as: manager, body: { postSampling } });
    expect((await set([1, 0, 0, 0, 0])).statusCode).toBe(200);
    expect(await openItemFor((await post(alice)).json().post.id)).toBeUndefined();
    await set([1, 1, 0, 0, 0]);
    expect((await openItemFor((await post(alice)).json().post.id))?.reasons).toContain('post');
    expect(
      (await t.api('PUT', '/api/moderation/settings', { as: moderator, body: { postSampling: [1, 1, 1, 1, 1] } }))
        .statusCode,
    ).toBe(403);
  });
});

describe('the queue and its decisions', () => {
  it('is for moderators only', async () => {
    expect((await t.api('GET', '/api/moderation/queue')).statusCode).toBe(401);
    expect((await t.api('GET', '/api/moderation/queue', { as: alice })).statusCode).toBe(403);
    const res = await t.api('GET', '/api/moderation/queue', { as: moderator });
    expect(res.statusCode).toBe(200);
    const priorities = res.json().items.map((i: { priority: number }) => i.priority);
    expect(priorities.length).toBeGreaterThan(0);
    expect(res.json().items[0].author).toHaveProperty('accountAgeDays');
  });

  it('filters by reason', async () => {
    const res = await t.api('GET', '/api/moderation/queue?reason=post', { as: moderator });
    expect(res.json().items.every((i: { reasons: string[] }) => i.reasons.includes('post'))).toBe(true);
  });

  it('approves a held post: published, counted, author notified, audited', async () => {
    const res = await newThread(bob, 'Quel abruti ce vendeur, honnêtement.');
    const item = (await openItemFor(res.json().post.id))!;
    const approved = await t.api('POST', `/api/moderation/items/${item.id}/approve`, { as: moderator, body: {} });
    expect(approved.json()).toMatchObject({ status: 'approved', postState: 'published' });
    expect((await t.api('GET', `/api/threads/${res.json().thread.id}`)).statusCode).toBe(200);
    const notes = (await t.api('GET', '/api/notifications', { as: bob })).json().notifications;
    expect(notes[0]).toMatchObject({ kind: 'moderation.approved' });
    const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'moderation.approved').execute();
    expect(audit.at(-1)).toMatchObject({ actor_id: moderator.id, subject_id: String(res.json().post.id) });
  });

  it('rejects a held post: never shown, back to its author as a draft with the reason, resubmitted after a fix', async () => {
    const res = await newThread(bob, 'Espèce de connard de transporteur.');
    const item = (await openItemFor(res.json().post.id))!;
    const rejected = await t.api('POST', `/api/moderation/items/${item.id}/reject`, {
      as: moderator,
      body: { reason: 'insult', note: 'Merci de rester courtois.' },
    });
    expect(rejected.json()).toMatchObject({ status: 'rejected', postState: 'rejected' });
    expect((await t.api('GET', `/api/threads/${res.json().thread.id}`, { as: alice })).statusCode).toBe(404);
    const mine = (await t.api('GET', `/api/threads/${res.json().thread.id}`, { as: bob })).json();
    expect(mine.posts[0]).toMatchObject({
      state: 'rejected',
      review: { decision: { note: 'Merci de rester courtois.', reason: { key: 'insult' } } },
    });
    const notes = (await t.api('GET', '/api/notifications', { as: bob })).json().notifications;
    expect(notes[0]).toMatchObject({ kind: 'moderation.rejected', data: { note: 'Merci de rester courtois.' } });
    const fixed = await t.api('PATCH', `/api/posts/${res.json().post.id}`, {
      as: bob,
      body: { body: 'Le transporteur a été très lent.' },
    });
    expect(fixed.statusCode).toBe(200);
    expect(await openItemFor(res.json().post.id)).toMatchObject({ reasons: expect.arrayContaining(['resubmit']) });
  });

  it('hides a published post rejected a posteriori', async () => {
    const res = await newThread(alice, 'Regardez tinyurl.com/promo-bottes');
    const item = (await openItemFor(res.json().post.id))!;
    await t.api('POST', `/api/moderation/items/${item.id}/reject`, { as: moderator, body: { reason: 'spam' } });
    expect((await t.api('GET', `/api/threads/${res.json().thread.id}`)).statusCode).toBe(404);
  });

  it('refuses an unknown reason with 422', async () => {
    const res = await newThread(alice, 'Encore un lien https://bit.ly/xyz');
    const item = (await openItemFor(res.json().post.id))!;
    const bad = await t.api('POST', `/api/moderation/items/${item.id}/reject`, {
      as: moderator,
      body: { reason: 'because' },
    });
    expect(bad.statusCode).toBe(422);
  });

  it('lets one moderator claim an item: another cannot claim or decide it (409)', async () => {
    const res = await newThread(alice, 'Lien https://bit.ly/claim');
    const item = (await openItemFor(res.json().post.id))!;
    expect((await t.api('POST', `/api/moderation/items/${item.id}/claim`, { as: moderator })).statusCode).toBe(200);
    const other = await t.api('POST', `/api/moderation/items/${item.id}/claim`, { as: moderator2 });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.details.claimedBy).toBe(moderator.username);
    expect(
      (await t.api('POST', `/api/moderation/items/${item.id}/approve`, { as: moderator2, body: {} })).statusCode,
    ).toBe(409);
  });

  it('lets exactly one of two simultaneous decisions win; the other gets 409', async () => {
    const res = await newThread(alice, 'Lien https://bit.ly/race');
    const item = (await openItemFor(res.json().post.id))!;
    const [a, b] = await Promise.all([
      t.api('POST', `/api/moderation/items/${item.id}/approve`, { as: moderator, body: {} }),
      t.api('POST', `/api/moderation/items/${item.id}/reject`, { as: moderator2, body: { reason: 'spam' } }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
  });

  it('edits and approves in one step', async () => {
    const res = await newThread(bob, 'Appelez-moi au 06 12 34 56 78 pour en parler.');
    const item = (await openItemFor(res.json().post.id))!;
    const done = await t.api('POST', `/api/moderation/items/${item.id}/approve`, {
      as: moderator,
      body: { body: 'Écrivez-moi en message privé pour en parler.' },
    });
    expect(done.statusCode).toBe(200);
    const page = (await t.api('GET', `/api/threads/${res.json().thread.id}`)).json();
    expect(page.posts[0].html).toContain('message privé');
  });

  it('decides in bulk, reporting each item', async () => {
    const ids = [];
    for (const n of [1, 2]) {
      const res = await newThread(alice, `Lien https://bit.ly/bulk${n}`);
      ids.push((await openItemFor(res.json().post.id))!.id);
    }
    const res = await t.api('POST', '/api/moderation/items/bulk', {
      as: moderator,
      body: { ids: [...ids, ids[0]], action: 'approve' },
    });
    expect(res.json().results.map((r: { ok: boolean }) => r.ok)).toEqual([true, true, false]);
  });
});

describe('member reports', () => {
  it('queues a reported post once per member, raising its priority with each reporter', async () => {
    const { post } = await createThread(t.db, alice, category.id);
    const first = await t.api('POST', `/api/posts/${post.id}/reports`, { as: bob, body: { reason: 'spam' } });
    expect(first.statusCode).toBe(201);
    const before = (await openItemFor(post.id))!;
    expect(
      (await t.api('POST', `/api/posts/${post.id}/reports`, { as: bob, body: { reason: 'spam' } })).statusCode,
    ).toBe(409);
    await t.api('POST', `/api/posts/${post.id}/reports`, { as: newbie, body: { reason: 'spam' } });
    const after = (await openItemFor(post.id))!;
    expect(after.report_count).toBe(2);
    expect(after.priority).toBeGreaterThan(before.priority);
  });

  it('lists each report with its reason, note, reporter and record, and the post it answers', async () => {
    const { thread, post: opener } = await createThread(t.db, alice, category.id, { body: 'Ma tente fuit.' });
    const earlier = await createReply(t.db, alice, thread.id, 'Premier avis sur la couture.');
    const reply = await t.api('POST', `/api/threads/${thread.id}/posts`, {
      as: bob,
      body: { body: 'Achetez nos tentes, lien en profil !', replyTo: earlier.id },
    });
    const postId = reply.json().post.id as number;
    // The reporter has one upheld report and one dismissed one already.
    const settledA = await createThread(t.db, bob, category.id);
    const settledB = await createThread(t.db, bob, category.id);
    await t.db
      .insertInto('reports')
      .values([
        { post_id: settledA.post.id, reporter_id: newbie.id, reason: 'spam', upheld: true },
        { post_id: settledB.post.id, reporter_id: newbie.id, reason: 'insult', upheld: false },
      ])
      .execute();
    await t.api('POST', `/api/posts/${postId}/reports`, {
      as: newbie,
      body: { reason: 'spam', note: 'Il poste ce lien partout.' },
    });
    const queue = await t.api('GET', '/api/moderation/queue?reason=report&limit=100', { as: moderator });
    const item = queue.json().items.find((i: { post: { id: number } }) => i.post.id === postId);
    expect(item.reports).toEqual([
      expect.objectContaining({
        reason: 'spam',
        note: 'Il poste ce lien partout.',
        upheld: null,
        reporter: expect.objectContaining({ id: newbie.id, username: newbie.username }),
        reporterRecord: { upheld: 1, decided: 2 },
      }),
    ]);
    expect(item.context).toMatchObject({ id: earlier.id, number: earlier.number, authorUsername: alice.username });
    expect(item.context.body).toContain('Premier avis');
    expect(opener.number).toBe(1);
  });

  it('names the rules that fired, in French and English', async () => {
    const res = await newThread(newbie, 'Quel c0nnard ce vendeur, franchement.');
    const postId = res.json().post.id as number;
    const queue = await t.api('GET', '/api/moderation/queue?reason=rule&limit=100', { as: moderator });
    const item = queue.json().items.find((i: { post: { id: number } }) => i.post.id === postId);
    const insults = item.hits.find((h: { ruleKey: string }) => h.ruleKey === 'insults');
    expect(insults.ruleName.fr).toMatch(/\p{L}/u);
    expect(insults.ruleName.fr).not.toBe('insults');
    expect(insults.ruleName.en).not.toBe(insults.ruleName.fr);
    // An opening post has no context to show.
    expect(item.context).toBeNull();
  });

  it('refuses reporting your own post (403) and answers visitors 401', async () => {
    const { post } = await createThread(t.db, alice, category.id);
    expect(
      (await t.api('POST', `/api/posts/${post.id}/reports`, { as: alice, body: { reason: 'spam' } })).statusCode,
    ).toBe(403);
    expect((await t.api('POST', `/api/posts/${post.id}/reports`, { body: { reason: 'spam' } })).statusCode).toBe(401);
  });
});

describe('netiquette rules', () => {
  it('are read by moderators and edited only by community managers', async () => {
    expect((await t.api('GET', '/api/netiquette/rules', { as: alice })).statusCode).toBe(403);
    expect((await t.api('GET', '/api/netiquette/rules', { as: moderator })).statusCode).toBe(200);
    const rule = { kind: 'words', action: 'hold', name: 'Concurrence', words: ['marque x'] };
    expect((await t.api('POST', '/api/netiquette/rules', { as: moderator, body: rule })).statusCode).toBe(403);
    expect((await t.api('POST', '/api/netiquette/rules', { as: manager, body: rule })).statusCode).toBe(201);
  });

  it("applies a community manager's new rule to the next post", async () => {
    await t.api('POST', '/api/netiquette/rules', {
      as: manager,
      body: {
        kind: 'regex',
        action: 'reject',
        name: 'Codes promo',
        pattern: 'promo-?code\\s*\\w+',
        messageFr: 'Pas de codes promo.',
        messageEn: 'No promo codes.',
      },
    });
    const res = await newThread(alice, 'Mon PROMOCODE X42 marche encore');
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details.hits[0].messages).toEqual({ fr: 'Pas de codes promo.', en: 'No promo codes.' });
  });

  it('refuses an invalid pattern and the deletion of a built-in rule with 422', async () => {
    const bad = await t.api('POST', '/api/netiquette/rules', {
      as: manager,
      body: { kind: 'regex', action: 'flag', name: 'x', pattern: '(a)\\1' },
    });
    expect(bad.statusCode).toBe(422);
    expect((await t.api('DELETE', '/api/netiquette/rules/insults', { as: manager })).statusCode).toBe(422);
  });

  it('lets community managers change a built-in rule: disabled, it no longer hits', async () => {
    await t.api('PATCH', '/api/netiquette/rules/links_shortener', { as: manager, body: { enabled: false } });
    const res = await newThread(alice, 'https://bit.ly/now-fine');
    expect(res.json().moderation.action).toBe('allow');
    await t.api('PATCH', '/api/netiquette/rules/links_shortener', { as: manager, body: { enabled: true } });
  });

  it('backtests a draft rule over recent posts without switching it on', async () => {
    await createThread(t.db, alice, category.id, { body: 'La tente Alpage est superbe.' });
    const res = await t.api('POST', '/api/netiquette/rules/backtest', {
      as: manager,
      body: { kind: 'words', action: 'flag', name: 'essai', words: ['alpage'] },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().matched).toBeGreaterThanOrEqual(1);
    expect(res.json().matches[0].hits[0].excerpt).toBe('Alpage');
    const rules = (await t.api('GET', '/api/netiquette/rules', { as: manager })).json().rules;
    expect(rules.some((r: { name: { fr: string } }) => r.name.fr === 'essai')).toBe(false);
  });

  it('marks a rule whose hits moderators keep overturning as of poor precision', async () => {
    await t.api('POST', '/api/netiquette/rules', {
      as: manager,
      body: { kind: 'words', action: 'hold', name: 'Trop large', words: ['bivouaclibre'] },
    });
    for (let i = 0; i < 3; i++) {
      const res = await newThread(alice, `Un bivouaclibre au lac numéro ${i}, autorisé par la mairie.`);
      const item = (await openItemFor(res.json().post.id))!;
      await t.api('POST', `/api/moderation/items/${item.id}/approve`, { as: moderator, body: {} });
    }
    const rules = (await t.api('GET', '/api/netiquette/rules', { as: moderator })).json().rules;
    const wide = rules.find((r: { name: { fr: string } }) => r.name.fr === 'Trop large');
    expect(wide.stats).toMatchObject({ overturned: 3, upheld: 0, precision: 0, poorPrecision: true });
    const insults = rules.find((r: { key: string }) => r.key === 'insults');
    expect(insults.stats.poorPrecision).toBe(false);
  });

  it("measures each rule's precision from the moderators' decisions", async () => {
    const rules = (await t.api('GET', '/api/netiquette/rules', { as: moderator })).json().rules;
    const insults = rules.find((r: { key: string }) => r.key === 'insults');
    expect(insults.stats.upheld + insults.stats.overturned).toBeGreaterThanOrEqual(2);
    expect(insults.stats.precision).toBeGreaterThan(0);
    expect(insults.weekly).toHaveLength(8);
    expect(insults.weekly.at(-1)).toBeGreaterThanOrEqual(2);
  });
});

describe('rules across app nodes', () => {
  it('applies a rule changed on one node to a post on another at once', async () => {
    const other = await buildApp({ config: t.config, db: t.db });
    try {
      await t.api('POST', '/api/netiquette/rules', {
        as: manager,
        body: { kind: 'words', action: 'reject', name: 'Nœud', words: ['motinterditnoeud'] },
      });
      const res = await other.inject({
        method: 'POST',
        url: '/api/threads',
        headers: { host: 'forum.test:3000', origin: 'http://forum.test:3000', cookie: await t.loginAs(alice) },
        payload: { categoryId: category.id, title: 'Deux nœuds', body: 'Un motinterditnoeud ici', kind: 'discussion' },
      });
      expect(res.statusCode).toBe(422);
    } finally {
      await other.close();
    }
  });
});

describe('activity rules', () => {
  it('answers flooding with 429 and Retry-After, returning the text', async () => {
    const strict = await createTestApp({}, { netiquette: 'strict' });
    try {
      const cat = await createCategory(strict.db);
      const fast = await createMember(strict.db, { trustLevel: 0 });
      const codes = [];
      let last;
      for (let i = 0; i < 4; i++) {
        last = await strict.api('POST', '/api/threads', {
          as: fast,
          body: { categoryId: cat.id, title: `Sujet ${i}`, body: `Message numéro ${i}`, kind: 'discussion' },
        });
        codes.push(last.statusCode);
      }
      expect(codes).toEqual([201, 201, 201, 429]);
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
      expect(last!.json().error.details.body).toBe('Message numéro 3');
    } finally {
      await strict.close();
    }
  });
});
