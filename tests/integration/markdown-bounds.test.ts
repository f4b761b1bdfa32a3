import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/**
 * Issue 13 §6: Markdown whose nesting or runs would blow marked's stack (or keep the event loop busy for
 * seconds) is refused with a 422 naming the field, on every path that renders it, before it is rendered.
 */
let t: TestApp;
let category: Category;
let alice: Member;
beforeAll(async () => {
  t = await createTestApp();
  category = await createCategory(t.db);
  alice = await createMember(t.db);
});
afterAll(() => t.close());

const HOSTILE: [string, string, string][] = [
  ['2 000 nested quotes', '> '.repeat(2000) + 'x', 'text.too_deep'],
  ['14 000 nested list markers', '- '.repeat(14000), 'text.too_deep'],
  ['14 000 nested list markers and a word', '- '.repeat(14000) + 'x', 'text.too_deep'],
  [
    'list items nested by indentation',
    Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i)}- niveau ${i}`).join('\n'),
    'text.too_deep',
  ],
  ['29 999 opening brackets', '['.repeat(29999), 'text.run_too_long'],
  ['a long run of exclamation marks', '!'.repeat(5000), 'text.run_too_long'],
  ['punctuation packed between letters', '!a'.repeat(15000), 'text.run_too_long'],
];

const expectRefused = (res: { statusCode: number; json(): any }, code: string) => {
  expect(res.statusCode).toBe(422);
  expect(res.json().error.code).toBe(code);
  expect(res.json().error.details.field).toBe('body');
};

describe('deeply nested or repetitive Markdown', () => {
  it.each(HOSTILE)('refuses %s in the preview with 422', async (_label, body, code) => {
    expectRefused(await t.api('POST', '/api/markdown/preview', { as: alice, body: { body } }), code);
  });

  it.each(HOSTILE)('refuses %s as a new thread with 422, and creates nothing', async (_label, body, code) => {
    const title = `Un titre ${code} ${body.length}`;
    const res = await t.api('POST', '/api/threads', {
      as: alice,
      body: { categoryId: category.id, title, body, kind: 'discussion' },
    });
    expectRefused(res, code);
    expect(await t.db.selectFrom('threads').select('id').where('title', '=', title).execute()).toEqual([]);
  });

  it.each(HOSTILE)('refuses %s as a reply and as an edit with 422', async (_label, body, code) => {
    const { thread, post } = await createThread(t.db, alice, category.id);
    expectRefused(await t.api('POST', `/api/threads/${thread.id}/posts`, { as: alice, body: { body } }), code);
    expectRefused(await t.api('PATCH', `/api/posts/${post.id}`, { as: alice, body: { body } }), code);
  });

  it('accepts punctuation spread out by spaces, and a long link', async () => {
    const body =
      '**gras** _italique_ `code` [lien](https://cime.example/' +
      'sous_dossier/'.repeat(150) +
      ') '.concat('! [x] '.repeat(500));
    expect((await t.api('POST', '/api/markdown/preview', { as: alice, body: { body } })).statusCode).toBe(200);
  });

  it('still renders a few levels of quotes and lists', async () => {
    const body = [
      '> > > Citation de citation',
      '',
      '- un',
      '  - deux',
      '    - trois',
      '      1. quatre',
      '',
      '**fin** [lien](https://cime.example) `code`',
    ].join('\n');
    const res = await t.api('POST', '/api/markdown/preview', { as: alice, body: { body } });
    expect(res.statusCode).toBe(200);
    const html: string = res.json().html;
    expect(html.match(/<blockquote>/g)).toHaveLength(3);
    expect(html.match(/<ul>/g)).toHaveLength(3);
    expect(html).toContain('<ol>');
    const { thread } = await createThread(t.db, alice, category.id);
    expect((await t.api('POST', `/api/threads/${thread.id}/posts`, { as: alice, body: { body } })).statusCode).toBe(
      201,
    );
  });

  it('does not count the indentation of what sits in a fenced code block', async () => {
    const code = Array.from({ length: 30 }, (_, i) => `${'  '.repeat(i)}- ${'>'.repeat(3)} ${'*'.repeat(150)}`).join(
      '\n',
    );
    for (const fence of ['```', '~~~~']) {
      const res = await t.api('POST', '/api/markdown/preview', {
        as: alice,
        body: { body: `Ma config :\n\n${fence}yaml\n${code}\n${fence}\n\nfin` },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().html).toContain('<code class="language-yaml">');
    }
  });

  it('counts the nesting that indentation hides behind lazy continuation lines', async () => {
    const body = Array.from({ length: 30 }, (_, i) => `${'  '.repeat(i)}- niveau ${i}\nsuite paresseuse`).join('\n');
    expectRefused(await t.api('POST', '/api/markdown/preview', { as: alice, body: { body } }), 'text.too_deep');
  });
});
