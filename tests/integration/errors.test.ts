import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember } from '../factories/index.ts';
import { createTestApp, ORIGIN, type TestApp } from '../setup/app.ts';

let t: TestApp;
let category: Category;
let alice: Member;
beforeAll(async () => {
  t = await createTestApp({ TITLE_MAX: '40', BODY_MAX: '500', REQUEST_BYTES_MAX: '4096' });
  category = await createCategory(t.db);
  alice = await createMember(t.db);
});
afterAll(() => t.close());

const expectError = (res: { statusCode: number; json(): any }, status: number, code?: string) => {
  expect(res.statusCode).toBe(status);
  const body = res.json();
  expect(typeof body.error.code).toBe('string');
  expect(typeof body.error.message).toBe('string');
  if (code) expect(body.error.code).toBe(code);
};

describe('the error contract', () => {
  it('answers malformed JSON with 400', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/threads',
      headers: {
        host: 'forum.test:3000',
        origin: ORIGIN,
        'content-type': 'application/json',
        cookie: await t.loginAs(alice),
      },
      payload: '{"title": "oops",',
    });
    expectError(res, 400, 'request.malformed_json');
  });

  it('answers a body over the size limit with 413', async () => {
    const res = await t.api('POST', '/api/threads', {
      as: alice,
      body: { categoryId: category.id, title: 'Trop long', body: 'x'.repeat(10_000), kind: 'discussion' },
    });
    expectError(res, 413, 'request.too_large');
  });

  it('answers wrong types in a body with 422 naming the field', async () => {
    const res = await t.api('POST', '/api/threads', {
      as: alice,
      body: { categoryId: 'abc', title: 12, body: 'x', kind: 'discussion' },
    });
    expectError(res, 422, 'validation.failed');
    expect(JSON.stringify(res.json().error.details)).toContain('categoryId');
  });

  it('answers an unknown thread kind with 422', async () => {
    const res = await t.api('POST', '/api/threads', {
      as: alice,
      body: { categoryId: category.id, title: 'Sujet', body: 'Texte', kind: 'rant' },
    });
    expectError(res, 422, 'validation.failed');
  });

  it.each([
    ['an empty title', { title: '' }, 'title.too_short'],
    ['a blank title', { title: '   \u200b ' }, 'title.too_short'],
    ['a title over TITLE_MAX', { title: 'x'.repeat(41) }, 'title.too_long'],
    ['an empty body', { body: '' }, 'body.too_short'],
    ['a body over BODY_MAX', { body: 'y'.repeat(501) }, 'body.too_long'],
  ])('answers %s with 422', async (_label, patch, code) => {
    const res = await t.api('POST', '/api/threads', {
      as: alice,
      body: { categoryId: category.id, title: 'Un bon titre', body: 'Un bon texte', kind: 'discussion', ...patch },
    });
    expectError(res, 422, code);
  });

  it('answers malformed ids and query values with 400, unknown ids with 404', async () => {
    expectError(await t.api('GET', '/api/threads/abc'), 400, 'validation.failed');
    expectError(await t.api('GET', '/api/threads/-1'), 400, 'validation.failed');
    expectError(await t.api('GET', '/api/threads/99999999999'), 400, 'validation.failed');
    expectError(await t.api('GET', '/api/threads/1?limit=1000'), 400, 'validation.failed');
    expectError(await t.api('GET', '/api/threads/424242'), 404, 'thread.not_found');
    expectError(await t.api('GET', '/api/posts/424242'), 404, 'post.not_found');
    expectError(await t.api('GET', '/api/members/nobody_at_all'), 404, 'member.not_found');
  });

  it('answers an unknown API route with a JSON 404', async () => {
    expectError(await t.api('GET', '/api/nope'), 404, 'route.not_found');
  });

  it('answers a non-JSON body with 415', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { host: 'forum.test:3000', origin: ORIGIN, 'content-type': 'text/xml' },
      payload: '<login/>',
    });
    expectError(res, 415);
  });
});

describe('GET /healthz and /api/docs', () => {
  it('checks the database', async () => {
    const res = await t.api('GET', '/healthz');
    expect(res.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const res = await t.api('GET', '/api/docs/json');
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/threads', '/api/threads/{id}', '/api/auth/register']),
    );
    expect(doc.paths['/api/threads'].post.requestBody).toBeDefined();
    const ui = await t.api('GET', '/api/docs/');
    expect(ui.statusCode).toBe(200);
  });
});
