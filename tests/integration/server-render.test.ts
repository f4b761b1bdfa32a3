import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/**
 * Public pages rendered on the server from the web app's own components (web/src/entry-server.ts, compiled
 * here by the Svelte plugin as the build compiles it): fetched without JavaScript, each holds its content and
 * its links, and the data the browser hydrates with; what a visitor may not see never reaches the HTML; a
 * visitor's page is kept only as long as its data is the same.
 */
const dist = path.join(os.tmpdir(), `agora-ssr-${process.pid}`);
/** A browser build's manifest (Vite's `build.manifest`), for the thread page alone and the two dictionaries. */
const manifest = {
  'index.html': { file: 'assets/index-1.js', isEntry: true, imports: ['_shared.js'] },
  '_shared.js': { file: 'assets/shared-1.js', css: ['assets/shared-1.css'] },
  '_post.js': { file: 'assets/PostCard-1.js', imports: ['_shared.js'], css: ['assets/PostCard-1.css'] },
  'src/pages/Thread.svelte': {
    file: 'assets/Thread-1.js',
    isDynamicEntry: true,
    imports: ['_shared.js', '_post.js'],
    css: ['assets/Thread-1.css'],
  },
  'src/lib/i18n/fr.ts': { file: 'assets/fr-1.js', isDynamicEntry: true },
  'src/lib/i18n/en.ts': { file: 'assets/en-1.js', isDynamicEntry: true },
};
let t: TestApp;
let alice: Member;
let bob: Member;
let category: Category;
let question: number;

const page = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers: { host: 'forum.test:3000', ...headers } });
/** The state the server embedded for the browser. */
const state = (html: string) => {
  const json = /<script type="application\/json" id="agora-state">(.*?)<\/script>/s.exec(html)?.[1];
  return json
    ? (JSON.parse(json) as {
        address: string;
        locale: string;
        data: any;
        me: any;
        missing: boolean;
        formats: Record<string, string>;
      })
    : null;
};
/** The app's markup alone (not the head, not the embedded state). */
const app = (html: string) => /<div id="app">(.*?)<\/div><script type="application\/json"/s.exec(html)?.[1] ?? '';

beforeAll(async () => {
  mkdirSync(path.join(dist, '.vite'), { recursive: true, mode: 0o755 });
  // The shell preloads a chunk the thread page shares with it; the build's manifest says what each page needs.
  writeFileSync(
    path.join(dist, 'index.html'),
    readFileSync('web/index.html', 'utf8').replace(
      '</head>',
      '<link rel="modulepreload" crossorigin href="/assets/shared-1.js"></head>',
    ),
  );
  writeFileSync(path.join(dist, '.vite', 'manifest.json'), JSON.stringify(manifest));
  t = await createTestApp({ WEB_DIST: dist, WEB_SSR: path.resolve('web/src/entry-server.ts'), PAGE_SIZE: '5' });
  alice = await createMember(t.db);
  bob = await createMember(t.db);
  category = await createCategory(t.db, { name: 'Tentes et abris' });
  question = (
    await createThread(t.db, alice, category.id, {
      kind: 'question',
      title: 'Tente qui fuit à la couture',
      body: 'Ma tente **fuit** le long de la couture du double toit.',
    })
  ).thread.id;
  for (let i = 1; i <= 6; i++) await createReply(t.db, i % 2 ? bob : alice, question, `Réponse numéro ${i} au sujet.`);
  for (let i = 1; i <= 3; i++)
    await createThread(t.db, bob, category.id, { title: `Sac à dos de trek numéro ${i}`, body: 'Lequel choisir ?' });
}, 120_000);
afterAll(() => t.close());

describe('server-rendered public pages', () => {
  it('render a thread with its posts, its pager links and the data the browser hydrates with', async () => {
    const res = await page(`/t/${question}`);
    expect(res.statusCode).toBe(200);
    const body = app(res.body);
    expect(body).toContain('Tente qui fuit à la couture');
    expect(body).toContain('<strong>fuit</strong>');
    expect(body).toContain('Réponse numéro 1 au sujet.');
    // 7 posts, 5 a page: the second page is a link a crawler follows, and holds the rest.
    expect(body).not.toContain('Réponse numéro 5 au sujet.');
    expect(body).toContain(`href="/t/${question}?page=2"`);
    const embedded = state(res.body)!;
    expect(embedded.address).toBe(`/t/${question}`);
    expect(embedded.data.page.thread.id).toBe(question);
    expect(embedded.data.page.posts).toHaveLength(5);
    expect(embedded.me).toBeNull();
    // The dates and relative times as the server wrote them, for hydration to reuse (no Intl data to load).
    const first = embedded.data.page.posts[0];
    const dates = Object.entries(embedded.formats).filter(([key]) => /^[dr]\|/.test(key));
    expect(dates.length).toBeGreaterThan(0);
    expect(Object.keys(embedded.formats).some((key) => key.startsWith(`d|fr|long|${first.createdAt}|`))).toBe(true);
    for (const [key, text] of dates) expect(body, key).toContain(text);

    const second = await page(`/t/${question}?page=2`);
    expect(app(second.body)).toContain('Réponse numéro 6 au sujet.');
    expect(app(second.body)).not.toContain('Réponse numéro 1 au sujet.');
    expect(state(second.body)!.data.page.posts.map((p: { number: number }) => p.number)).toEqual([6, 7]);
  });

  it('render home, a category in each sort, a profile, badges, the leaderboard and the ideas board', async () => {
    const home = app((await page('/')).body);
    expect(home).toContain('Sac à dos de trek numéro 3');
    expect(home).toContain('Tentes et abris');
    for (const sort of ['', '?sort=top', '?sort=unanswered']) {
      const res = await page(`/c/${category.slug}${sort}`);
      expect(res.statusCode).toBe(200);
      expect(app(res.body)).toContain('Sac à dos de trek numéro');
      expect(state(res.body)!.data.category.slug).toBe(category.slug);
    }
    const profile = app((await page(`/u/${alice.username}`)).body);
    expect(profile).toContain(`@${alice.username}`);
    expect(app((await page('/badges')).body)).toMatch(/class="[^"]*badge/);
    expect((await page('/leaderboard')).statusCode).toBe(200);
    expect(state((await page('/ideas')).body)!.data).toHaveProperty('ideas');
  });

  it('give "load more" a link a reader without JavaScript can follow', async () => {
    for (let i = 0; i < 25; i++) await createThread(t.db, alice, category.id, { title: `Bivouac numéro ${i} du mois` });
    const first = app((await page(`/c/${category.slug}`)).body);
    const next = /href="(\/c\/[^"]+cursor=[^"]+)"/.exec(first)?.[1]?.replaceAll('&amp;', '&');
    expect(next).toBeDefined();
    const res = await page(next!);
    expect(res.statusCode).toBe(200);
    const titles = (html: string) => [...html.matchAll(/Bivouac numéro (\d+) du mois/g)].map((m) => m[1]);
    const shownFirst = new Set(titles(first));
    const shownNext = titles(app(res.body));
    expect(shownNext.length).toBeGreaterThan(0);
    expect(shownNext.some((n) => shownFirst.has(n))).toBe(false);
  });

  it('keep what a visitor may not see out of the HTML, with the right status', async () => {
    const { thread: hidden } = await createThread(t.db, alice, category.id, { title: 'Titre secret de modération' });
    await t.db.updateTable('threads').set({ state: 'hidden' }).where('id', '=', hidden.id).execute();
    const res = await page(`/t/${hidden.id}`);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('Titre secret');
    expect(state(res.body)!.missing).toBe(true);
    expect(app(res.body)).toContain('notfound');
    expect((await page('/u/nobody-by-that-name')).statusCode).toBe(404);
    await t.db.updateTable('threads').set({ state: 'deleted' }).where('id', '=', hidden.id).execute();
    expect((await page(`/t/${hidden.id}`)).statusCode).toBe(410);
  });

  it("serve a visitor's page again only while its data is the same", async () => {
    const before = await page(`/t/${question}?page=2`);
    const again = await page(`/t/${question}?page=2`);
    expect(again.body).toBe(before.body);
    expect(before.headers.etag).toBeDefined();
    const unchanged = await page(`/t/${question}?page=2`, { 'if-none-match': String(before.headers.etag) });
    expect(unchanged.statusCode).toBe(304);

    const reply = await t.api('POST', `/api/threads/${question}/posts`, {
      as: bob,
      body: { body: 'Une réponse toute fraîche, écrite après le rendu.' },
    });
    expect(reply.statusCode).toBe(201);
    // A visitor sees it once the node heard of it: its live event (delivered after the thread's pages are forgotten).
    await t.app.liveHub.settle();
    const after = await page(`/t/${question}?page=2`);
    expect(app(after.body)).toContain('Une réponse toute fraîche');
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('render a signed-in member their own page, and never hand it to anyone else', async () => {
    const cookie = await t.loginAs(alice);
    const mine = await page(`/t/${question}`, { cookie });
    expect(state(mine.body)!.me.username).toBe(alice.username);
    expect(app(mine.body)).toContain(alice.username);
    const visitor = await page(`/t/${question}`);
    expect(state(visitor.body)!.me).toBeNull();
    expect(visitor.body).not.toContain('"me":{');
  });

  it("speak the reader's language: their cookie, else their browser's, else the community's", async () => {
    const english = await page('/', { 'accept-language': 'en-GB,en;q=0.9,fr;q=0.5' });
    expect(english.body).toMatch(/<html lang="en"/);
    expect(app(english.body)).toContain('Latest');
    const french = await page('/', { 'accept-language': 'en-GB', cookie: 'agora.locale=fr' });
    expect(french.body).toMatch(/<html lang="fr"/);
    expect(app(french.body)).toContain('Dernières discussions');
    expect((await page('/', { 'accept-language': 'de-DE' })).body).toMatch(/<html lang="fr"/);
    expect((await page('/', { cookie: 'agora.theme=dark' })).body).toMatch(/<html lang="\w+" data-theme="dark">/);
  });

  it('mark a post written in another language than the page with its own lang', async () => {
    const { thread } = await createThread(t.db, alice, category.id, {
      title: 'Semelle qui se décolle après un an',
      body: 'La semelle de mes chaussures de randonnée se décolle déjà. Quelqu’un a-t-il trouvé une bonne colle ?',
    });
    await createReply(
      t.db,
      bob,
      thread.id,
      'I had the same problem with mine: a contact cement for shoes held for two seasons.',
    );
    const html = app((await page(`/t/${thread.id}`, { 'accept-language': 'fr' })).body);
    const post = (n: number) =>
      /<div class="prose body[^"]*"([^>]*)>/g.exec(html.split(`id="post-${n}"`)[1] ?? '')?.[1] ?? '';
    expect(post(1)).not.toContain('lang=');
    expect(post(2)).toContain('lang="en"');
    // Read in English, the French post is the one marked.
    const english = app((await page(`/t/${thread.id}`, { 'accept-language': 'en' })).body);
    expect(english.split('id="post-1"')[1]).toMatch(/<div class="prose body[^"]*" lang="fr"/);
  });

  it('embed member text so that it cannot end its script element', async () => {
    const { thread } = await createThread(t.db, alice, category.id, {
      title: 'Titre </script><script>alert(1)</script> piégé',
      body: 'Corps <!-- commentaire --> et </script> encore.',
    });
    const res = await page(`/t/${thread.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<script>alert(1)</script>');
    expect(state(res.body)!.data.page.thread.title).toBe('Titre </script><script>alert(1)</script> piégé');
  });

  it("declare the page's own chunks in its HTML: scripts preloaded in <head>, stylesheets after the content", async () => {
    const html = (await page(`/t/${question}`)).body;
    const head = html.slice(0, html.indexOf('</head>'));
    const tail = html.slice(html.indexOf('<script type="application/json" id="agora-state">'));
    expect(head).toContain('<link rel="modulepreload" crossorigin href="/assets/Thread-1.js">');
    expect(head).toContain('<link rel="modulepreload" crossorigin href="/assets/PostCard-1.js">');
    // The shell already preloads what the page shares with it.
    expect(html.match(/href="\/assets\/shared-1\.js"/g)).toHaveLength(1);
    for (const css of ['Thread-1.css', 'PostCard-1.css', 'shared-1.css']) {
      // For print until hydrated: known to the loader, holding the first paint back for nothing.
      expect(tail).toContain(`<link rel="stylesheet" crossorigin href="/assets/${css}" media="print" data-deferred>`);
      expect(head).not.toContain(css);
    }
    // A page the manifest does not know gets none; the manifest itself is not served.
    expect((await page('/')).body).not.toContain('Thread-1');
    const served = await page('/.vite/manifest.json');
    expect(served.body).not.toContain('Thread-1.js');
  });

  it("preload the dictionary of the page's language, and not the other one", async () => {
    const head = (html: string) => html.slice(0, html.indexOf('</head>'));
    const preload = (locale: string) => `<link rel="modulepreload" crossorigin href="/assets/${locale}-1.js">`;
    for (const url of [`/t/${question}`, '/']) {
      const french = head((await page(url, { cookie: 'agora.locale=fr' })).body);
      expect(french).toMatch(/<html lang="fr"/);
      expect(french).toContain(preload('fr'));
      expect(french).not.toContain('en-1.js');
      const english = head((await page(url, { cookie: 'agora.locale=en' })).body);
      expect(english).toMatch(/<html lang="en"/);
      expect(english).toContain(preload('en'));
      expect(english).not.toContain('fr-1.js');
    }
    // A page left to the browser preloads the language it will be rendered in, as the browser picks it.
    for (const [headers, locale, other] of [
      [{ cookie: 'agora.locale=en' }, 'en', 'fr'],
      [{ 'accept-language': 'fr-CA,en;q=0.5' }, 'fr', 'en'],
    ] as const) {
      const shell = (await page('/moderation', headers)).body;
      expect(state(shell)).toBeNull();
      expect(shell).toContain(preload(locale));
      expect(shell).not.toContain(`${other}-1.js`);
    }
  });

  it('render the tag filter of home and a category with the tags the reader may see, and embed them', async () => {
    const moderator = await createMember(t.db, { role: 'moderator' });
    const secret = await createCategory(t.db, { name: 'Réservé à l’équipe' });
    const { thread: hidden } = await createThread(t.db, alice, secret.id, { title: 'Sujet de l’équipe' });
    await t.db.updateTable('categories').set({ see_level: 'staff' }).where('id', '=', secret.id).execute();
    for (const [id, tags] of [
      [question, ['impermeable']],
      [hidden.id, ['impermeable', 'projet-secret']],
    ] as const) {
      const res = await t.api('PUT', `/api/threads/${id}/tags`, { as: moderator, body: { tags: [...tags] } });
      expect(res.statusCode).toBe(200);
    }
    const option = (name: string, n: number) => `<option value="${name}">#${name} (${n})</option>`;
    for (const url of ['/', `/c/${category.slug}`]) {
      const visitor = await page(url);
      expect(state(visitor.body)!.data.tags).toEqual([{ name: 'impermeable', threads: 1 }]);
      expect(app(visitor.body)).toContain(option('impermeable', 1));
      expect(visitor.body).not.toContain('projet-secret');
      const staff = await page(url, { cookie: await t.loginAs(moderator) });
      expect(state(staff.body)!.data.tags).toEqual(
        expect.arrayContaining([
          { name: 'impermeable', threads: 2 },
          { name: 'projet-secret', threads: 1 },
        ]),
      );
      expect(app(staff.body)).toContain(option('projet-secret', 1));
    }
  });

  it('leave member and staff pages to the browser', async () => {
    const res = await page('/moderation');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<div id="app"></div>');
    expect(state(res.body)).toBeNull();
  });
});
