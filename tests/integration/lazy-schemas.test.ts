import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/** Routes' schemas compile at their first request, not at start-up (server/http/lazy-schemas.ts). */
describe('schemas compiled at first use', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('validates and answers through schemas compiled at their first request (a 422 naming the field)', async () => {
    const member = await createMember(t.db);
    const category = await createCategory(t.db);
    const { thread } = await createThread(t.db, member, category.id);
    const cookie = await t.loginAs(member);
    // The first request to this route: its body schema is compiled now, and refuses a body without its text.
    const refused = await t.api('POST', `/api/threads/${thread.id}/posts`, { as: cookie, body: { bogus: 1 } });
    expect(refused.statusCode).toBe(422);
    expect(JSON.stringify(refused.json())).toContain('body');
    // The response's serialiser, compiled at this first answer.
    const read = await t.api('GET', `/api/threads/${thread.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json().thread.id).toBe(thread.id);
  });

  it('compiles every remaining route schema on demand, and each only once', async () => {
    const compiled = await t.app.compileSchemas();
    // Every route with a schema (well over a hundred): none the compilers refuse.
    expect(compiled).toBeGreaterThan(100);
    expect(await t.app.compileSchemas()).toBe(0);
  });
});
