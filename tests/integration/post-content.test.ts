import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { createTestApp, ORIGIN, type TestApp } from '../setup/app.ts';

/** Issue 13 §8: what a member's text may pass itself off as once cooked, and the body's media type. */
let t: TestApp;
let category: Category;
let alice: Member;
let camille: Member;
beforeAll(async () => {
  t = await createTestApp();
  category = await createCategory(t.db);
  alice = await createMember(t.db);
  camille = await createMember(t.db, { username: 'camille_r' });
});
afterAll(() => t.close());

const EMPTY_ONCE_COOKED = [
  '<!-- rien à voir -->',
  '<img src="/api/me">',
  '![](data:image/png;base64,AAAA)',
  '[](https://cime.example)',
  '&nbsp;&nbsp;',
];

describe('a post that shows nothing once cooked', () => {
  it.each(EMPTY_ONCE_COOKED)('is refused as a new thread with 422 post.empty, its text returned: %s', async (body) => {
    const res = await t.api('POST', '/api/threads', {
      as: alice,
      body: { categoryId: category.id, title: 'Un titre', body, kind: 'discussion' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('post.empty');
    expect(res.json().error.details).toMatchObject({ field: 'body', title: 'Un titre', body });
  });

  it.each(EMPTY_ONCE_COOKED)('is refused as a reply and as an edit: %s', async (body) => {
    const { thread, post } = await createThread(t.db, alice, category.id);
    const reply = await t.api('POST', `/api/threads/${thread.id}/posts`, { as: alice, body: { body } });
    expect([reply.statusCode, reply.json().error.code, reply.json().error.details.body]).toEqual([
      422,
      'post.empty',
      body,
    ]);
    const edit = await t.api('PATCH', `/api/posts/${post.id}`, { as: alice, body: { body } });
    expect([edit.statusCode, edit.json().error.code, edit.json().error.details.body]).toEqual([
      422,
      'post.empty',
      body,
    ]);
    const page = await t.api('GET', `/api/threads/${thread.id}`);
    expect(page.json().posts.map((p: { html: string }) => p.html.length > 0)).toEqual([true]);
  });

  it('is accepted when it shows an image or some text', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    for (const body of ['![vue](https://img.example/a.png)', '<!-- note --> merci']) {
      expect((await t.api('POST', `/api/threads/${thread.id}/posts`, { as: alice, body: { body } })).statusCode).toBe(
        201,
      );
    }
  });
});

describe('the mention style', () => {
  it('stays on the links the server makes for mentions of members', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    const reply = await t.api('POST', `/api/threads/${thread.id}/posts`, {
      as: alice,
      body: { body: `Merci @${camille.username} !` },
    });
    expect(reply.json().post.html).toContain(
      `<a class="mention" href="/u/${camille.username}" rel="nofollow ugc noopener">@${camille.username}</a>`,
    );
  });

  it.each([
    ['an off-site link', '<a class="mention" href="https://evil.example/login">@Camille</a>'],
    ['an on-site link', '<a class="mention" href="/u/camille_r">@Camille</a>'],
    [
      'a link that copies the server’s own markup',
      '<a class="mention" data-mention="x" href="/u/camille_r">@Camille</a>',
    ],
    ['a link with an empty mark', '<a class="mention" data-mention="" href="/u/camille_r">@Camille</a>'],
  ])('is stripped from %s written in HTML', async (_label, link) => {
    const { thread } = await createThread(t.db, alice, category.id);
    const reply = await t.api('POST', `/api/threads/${thread.id}/posts`, {
      as: alice,
      body: { body: `Voir ${link} et @${camille.username}` },
    });
    expect(reply.statusCode).toBe(201);
    const html: string = reply.json().post.html;
    expect(html.match(/class="mention"/g)).toHaveLength(1);
    expect(html).toContain(`<a class="mention" href="/u/${camille.username}"`);
    expect(html).not.toContain('data-mention');
    const preview = await t.api('POST', '/api/markdown/preview', { as: alice, body: { body: link } });
    expect(preview.json().html).not.toContain('class=');
  });
});

describe('the media type of a JSON body', () => {
  it.each(['text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded'])(
    'answers %s with 415',
    async (type) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { host: 'forum.test:3000', origin: ORIGIN, 'content-type': type },
        payload: '{"login":"x","password":"y"}',
      });
      expect(res.statusCode).toBe(415);
      expect(res.json().error.code).toBe('request.unsupported_media_type');
    },
  );

  it('still takes application/json, with or without a charset', async () => {
    for (const type of ['application/json', 'application/json; charset=utf-8']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { host: 'forum.test:3000', origin: ORIGIN, 'content-type': type },
        payload: JSON.stringify({ login: alice.username, password: 'wrong password' }),
      });
      expect(res.statusCode).toBe(401);
    }
  });
});
