import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/**
 * A public page fetched without JavaScript (as a crawler or a link preview does) says what it is: its own title,
 * description, canonical URL, OpenGraph and Twitter cards, and schema.org data with the fields Google documents
 * as required (QAPage for a question, DiscussionForumPosting otherwise, BreadcrumbList); the right status for a
 * thread a visitor may not see (404) or that was deleted (410).
 */
const BASE = 'https://forum.example.com';
const dist = path.join(os.tmpdir(), `agora-heads-${process.pid}`);
let t: TestApp;
let alice: Member;
let bob: Member;
let category: Category;
let question: number;
let acceptedNumber: number;
let discussion: number;

const page = (url: string) => t.app.inject({ method: 'GET', url, headers: { host: 'forum.test:3000' } });
const structured = (html: string) =>
  [...html.matchAll(/<script type="application\/ld\+json">(.*?)<\/script>/g)].map(
    (m) => JSON.parse(m[1]!) as Record<string, any>,
  );
const meta = (html: string, attr: 'name' | 'property', key: string) =>
  new RegExp(`<meta ${attr}="${key}" content="([^"]*)"`).exec(html)?.[1];

beforeAll(async () => {
  mkdirSync(dist, { recursive: true, mode: 0o755 });
  writeFileSync(path.join(dist, 'index.html'), readFileSync('web/index.html', 'utf8'));
  t = await createTestApp({ PUBLIC_URL: BASE, WEB_DIST: dist });
  alice = await createMember(t.db);
  bob = await createMember(t.db);
  category = await createCategory(t.db, { name: 'Tentes et abris' });
  question = (
    await createThread(t.db, alice, category.id, {
      kind: 'question',
      title: 'Tente qui fuit à la couture',
      body: 'Ma tente **fuit** le long de la couture du double toit. Que faire <avant> le départ ?',
    })
  ).thread.id;
  const answer = await createReply(t.db, bob, question, 'Un enduit de couture au silicone, appliqué à sec.');
  await createReply(t.db, alice, question, 'Merci, je tente ce soir.');
  acceptedNumber = answer.number;
  await t.db.updateTable('threads').set({ accepted_post_id: answer.id }).where('id', '=', question).execute();
  discussion = (
    await createThread(t.db, bob, category.id, { title: 'Bivouac au lac', body: 'Qui y est allé cet été ?' })
  ).thread.id;
  await createReply(t.db, alice, discussion, 'Moi, en août : superbe.');
});
afterAll(() => t.close());

describe('public pages fetched without JavaScript', () => {
  it('give a question its title, description, canonical, cards and QAPage data', async () => {
    const res = await page(`/t/${question}`);
    expect(res.statusCode).toBe(200);
    const html = res.body;
    expect(html).toContain('<title>Tente qui fuit à la couture · Agora</title>');
    expect(meta(html, 'name', 'description')).toBe(
      'Ma tente fuit le long de la couture du double toit. Que faire &lt;avant&gt; le départ ?',
    );
    expect(html).toContain(`<link rel="canonical" href="${BASE}/t/${question}" />`);
    expect(meta(html, 'property', 'og:title')).toBe('Tente qui fuit à la couture · Agora');
    expect(meta(html, 'property', 'og:url')).toBe(`${BASE}/t/${question}`);
    expect(meta(html, 'name', 'twitter:card')).toBe('summary');
    expect(html).toMatch(/<html lang="(fr|en)">/);
    const [qa, breadcrumbs] = structured(html);
    expect(qa!['@type']).toBe('QAPage');
    const q = qa!.mainEntity;
    expect(q).toMatchObject({ '@type': 'Question', name: 'Tente qui fuit à la couture', answerCount: 2 });
    expect(q.text).toContain('fuit le long de la couture');
    expect(q.author.name).toBe(alice.username);
    expect(q.dateCreated).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(q.acceptedAnswer).toMatchObject({
      '@type': 'Answer',
      upvoteCount: 0,
      url: `${BASE}/t/${question}#post-${acceptedNumber}`,
    });
    expect(q.acceptedAnswer.text).toContain('enduit de couture');
    expect(q.acceptedAnswer.author.name).toBe(bob.username);
    expect(q.suggestedAnswer).toHaveLength(1);
    expect(q.suggestedAnswer[0].text).toContain('je tente ce soir');
    expect(breadcrumbs).toMatchObject({
      '@type': 'BreadcrumbList',
      itemListElement: [
        { position: 1 },
        { position: 2, name: 'Tentes et abris', item: `${BASE}/c/${category.slug}` },
        { position: 3 },
      ],
    });
  });

  it('describe another kind of thread as a DiscussionForumPosting with its replies as comments', async () => {
    const html = (await page(`/t/${discussion}`)).body;
    const [posting] = structured(html);
    expect(posting).toMatchObject({
      '@type': 'DiscussionForumPosting',
      headline: 'Bivouac au lac',
      url: `${BASE}/t/${discussion}`,
    });
    expect(posting!.text).toBe('Qui y est allé cet été ?');
    expect(posting!.author.name).toBe(bob.username);
    expect(posting!.datePublished).toMatch(/^\d{4}-/);
    expect(posting!.comment).toHaveLength(1);
    expect(posting!.comment[0]).toMatchObject({ '@type': 'Comment', text: 'Moi, en août : superbe.' });
  });

  it('make each page of a thread canonical, and give categories and profiles their own head', async () => {
    expect((await page(`/t/${question}?page=2`)).body).toContain(
      `<link rel="canonical" href="${BASE}/t/${question}?page=2" />`,
    );
    const cat = (await page(`/c/${category.slug}`)).body;
    expect(cat).toContain('<title>Tentes et abris · Agora</title>');
    expect(cat).toContain(`<link rel="canonical" href="${BASE}/c/${category.slug}" />`);
    expect((await page(`/u/${alice.username}`)).body).toContain(`@${alice.username}`);
  });

  it("name a category in the site's language: its English name once the site is in English", async () => {
    await t.db
      .updateTable('categories')
      .set({ name_en: 'Tents and shelters', description_en: 'Pitching, sealing, repairing' })
      .where('id', '=', category.id)
      .execute();
    expect((await page(`/c/${category.slug}`)).body).toContain('<title>Tentes et abris · Agora</title>');
    await t.db
      .insertInto('site_settings')
      .values({ key: 'defaultLocale', value: JSON.stringify('en') })
      .execute();
    try {
      const cat = (await page(`/c/${category.slug}`)).body;
      expect(cat).toContain('<title>Tents and shelters · Agora</title>');
      expect(meta(cat, 'name', 'description')).toBe('Pitching, sealing, repairing');
    } finally {
      await t.db.deleteFrom('site_settings').where('key', '=', 'defaultLocale').execute();
      await t.db
        .updateTable('categories')
        .set({ name_en: null, description_en: null })
        .where('id', '=', category.id)
        .execute();
    }
  });

  it('answer 404 for what a visitor may not open and 410 once deleted, with no trace of its content', async () => {
    const { thread: hidden } = await createThread(t.db, alice, category.id, { title: 'Titre secret de modération' });
    await t.db.updateTable('threads').set({ state: 'hidden' }).where('id', '=', hidden.id).execute();
    const res = await page(`/t/${hidden.id}`);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('Titre secret');
    await t.db.updateTable('threads').set({ state: 'deleted' }).where('id', '=', hidden.id).execute();
    expect((await page(`/t/${hidden.id}`)).statusCode).toBe(410);
    expect((await page('/t/999999999')).statusCode).toBe(404);
    expect((await page('/c/nope')).statusCode).toBe(404);
    const malformed = (await page('/u/%E0%A4%A')).statusCode;
    expect(malformed >= 400 && malformed < 500).toBe(true);
  });
});
