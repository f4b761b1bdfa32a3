import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Member } from '../../server/db/types.ts';
import { OFFLOAD_CHARS } from '../../server/lib/cpu-pool.ts';
import { renderMarkdown } from '../../server/lib/markdown.ts';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/**
 * Long texts are rendered and checked in a worker thread (server/lib/cpu-pool.ts): the answers must be the same
 * as on the main thread, through the real HTTP layer.
 */
let t: TestApp;
let alice: Member;
let bob: Member;
let category: Category;
beforeAll(async () => {
  t = await createTestApp();
  alice = await createMember(t.db);
  bob = await createMember(t.db);
  category = await createCategory(t.db);
});
afterAll(() => t.close());

/** Past the offload threshold, with a mention of USER near the start and `tail` at the very end. */
const long = (tail: string) =>
  `## Retour d’expérience\n\nUne *longue* journée de marche, @USER était là. ${'Le sentier monte sous les mélèzes. '.repeat(200)}\n\n${tail}`;

describe('long texts in the worker pool', () => {
  it('previews a long text exactly as the main thread renders it', async () => {
    const body = long('- un point\n- un autre').replace('USER', bob.username);
    expect(body.length).toBeGreaterThan(OFFLOAD_CHARS);
    const res = await t.api('POST', '/api/markdown/preview', { as: alice, body: { body } });
    expect(res.statusCode).toBe(200);
    expect(res.json().html).toBe(renderMarkdown(body));
  });

  it('publishes a long reply with its mentions linked, as a short one would be', async () => {
    const { thread } = await createThread(t.db, alice, category.id);
    const body = long('Fin du récit.').replace('USER', bob.username);
    const res = await t.api('POST', `/api/threads/${thread.id}/posts`, { as: alice, body: { body } });
    expect(res.statusCode).toBe(201);
    expect(res.json().post.html).toBe(renderMarkdown(body, new Set([bob.username])));
    expect(res.json().post.html).toContain(`/u/${bob.username}`);
  });

  it('answers a long text refused in the worker with the same 422 as on the main thread', async () => {
    const body = `${'> '.repeat(2500)}x`;
    expect(body.length).toBeGreaterThan(OFFLOAD_CHARS);
    const res = await t.api('POST', '/api/markdown/preview', { as: alice, body: { body } });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('text.too_deep');
    expect(res.json().error.details).toMatchObject({ field: 'body' });
  });

  it('finds a rule violation buried at the end of a long text', async () => {
    const body = long('Et pour finir, appelle-moi au 06 12 34 56 78.').replace('USER', bob.username);
    const res = await t.api('POST', '/api/netiquette/check', { as: alice, body: { body, categoryId: category.id } });
    expect(res.statusCode).toBe(200);
    expect(res.json().action).not.toBe('allow');
    expect(
      res
        .json()
        .hits.map((h: { excerpt: string }) => h.excerpt)
        .join(' '),
    ).toContain('06 12 34 56 78');
  });
});
