import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../server/db/types.ts';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';
import { drawing, multipart } from '../setup/images.ts';

/** Issue 16: avatars — a square around the member's chosen focus, shown wherever they appear; GDPR. */
let t: TestApp;
let alice: Member;
let manager: Member;
beforeAll(async () => {
  t = await createTestApp({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'agora-avatars-')) });
  alice = await createMember(t.db, { trustLevel: 2 });
  manager = await createMember(t.db, { role: 'community_manager' });
});
afterAll(() => t.close());

async function setAvatar(as: Member | null, bytes: Buffer, query = '') {
  const { payload, headers } = multipart(bytes, { contentType: 'image/png', filename: 'me.png' });
  return t.app.inject({
    method: 'POST',
    url: `/api/me/avatar${query}`,
    payload,
    headers: {
      ...headers,
      host: 'forum.test:3000',
      origin: 'http://forum.test:3000',
      ...(as && { cookie: await t.loginAs(as) }),
    },
  });
}

/** A wide picture: red on its left third, green in the middle, blue on the right. */
const stripes = () =>
  sharp({ create: { width: 900, height: 300, channels: 3, background: '#00f' } })
    .composite([
      { input: { create: { width: 300, height: 300, channels: 3, background: '#f00' } }, left: 0, top: 0 },
      { input: { create: { width: 300, height: 300, channels: 3, background: '#0f0' } }, left: 300, top: 0 },
    ])
    .png()
    .toBuffer();

async function dominant(url: string) {
  const res = await t.app.inject({ method: 'GET', url });
  expect(res.statusCode).toBe(200);
  const meta = await sharp(res.rawPayload).metadata();
  const { dominant } = await sharp(res.rawPayload).stats();
  return { width: meta.width, height: meta.height, ...dominant, cache: res.headers['cache-control'] };
}

describe('POST /api/me/avatar', () => {
  it('crops the largest square around the focus: the centre by default, the left edge for x=0', async () => {
    const centred = await setAvatar(alice, await stripes());
    expect(centred.statusCode).toBe(200);
    expect(centred.json().avatar).toMatch(/^\/api\/media\/[A-Za-z0-9_-]{22}\/a256\.webp$/);
    const middle = await dominant(centred.json().avatar);
    expect(middle).toMatchObject({ width: 256, height: 256, cache: 'public, max-age=31536000, immutable' });
    expect(middle.g).toBeGreaterThan(200);
    expect(middle.r).toBeLessThan(60);
    const left = await dominant((await setAvatar(alice, await stripes(), '?x=0&y=0.5')).json().avatar);
    expect(left.r).toBeGreaterThan(200);
    expect(left.g).toBeLessThan(60);
  });

  it('shows the avatar with the member: profile, /api/me, their posts and threads', async () => {
    const { avatar } = (await setAvatar(alice, await drawing())).json();
    expect((await t.api('GET', `/api/members/${alice.username}`)).json().member.avatar).toBe(avatar);
    expect((await t.api('GET', '/api/me', { as: alice })).json().member.avatar).toBe(avatar);
    const category = await createCategory(t.db);
    const { thread } = await createThread(t.db, alice, category.id);
    const page = (await t.api('GET', `/api/threads/${thread.id}`)).json();
    expect(page.posts[0].author.avatar).toBe(avatar);
    expect(page.thread.author.avatar).toBe(avatar);
    const list = (await t.api('GET', `/api/categories/${category.slug}/threads`)).json();
    expect(list.threads[0].author.avatar).toBe(avatar);
    // …and in the leaderboard.
    await t.db
      .insertInto('reputation_events')
      .values({ member_id: alice.id, points: 40, kind: 'award', source_key: `test:avatar:${alice.id}` })
      .execute();
    const leaders = (await t.api('GET', '/api/leaderboard?period=all')).json().leaders;
    expect(leaders.find((l: { id: number }) => l.id === alice.id).avatar).toBe(avatar);
  });

  it('removes the avatar (initials again); refuses visitors, SVG and a focus out of range', async () => {
    await setAvatar(alice, await drawing());
    expect((await t.api('DELETE', '/api/me/avatar', { as: alice })).statusCode).toBe(204);
    expect((await t.api('GET', '/api/me', { as: alice })).json().member.avatar).toBeNull();
    expect((await setAvatar(null, await drawing())).statusCode).toBe(401);
    expect((await t.api('DELETE', '/api/me/avatar')).statusCode).toBe(401);
    const svg = await setAvatar(alice, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'));
    expect([svg.statusCode, svg.json().error.code]).toEqual([422, 'upload.not_image']);
    expect((await setAvatar(alice, await drawing(), '?x=2')).statusCode).toBe(400);
  });
});

describe('GDPR', () => {
  it('the export lists the member’s uploads with their addresses; anonymisation removes the avatar', async () => {
    const camille = await createMember(t.db);
    const { avatar } = (await setAvatar(camille, await drawing())).json();
    const exported = (await t.api('GET', `/api/manage/members/${camille.id}/export`, { as: manager })).json();
    expect(exported.uploads).toEqual([
      expect.objectContaining({ kind: 'avatar', url: avatar, original_name: 'me.png', width: 256, height: 256 }),
    ]);
    expect((await t.api('POST', `/api/manage/members/${camille.id}/anonymise`, { as: manager })).statusCode).toBe(200);
    const row = await t.db
      .selectFrom('members')
      .select('avatar_key')
      .where('id', '=', camille.id)
      .executeTakeFirstOrThrow();
    expect(row.avatar_key).toBeNull();
    // No longer worn: collected with the orphans once a day old.
    await t.db
      .updateTable('uploads')
      .set({ created_at: new Date(Date.now() - 2 * 86_400_000) })
      .where('member_id', '=', camille.id)
      .execute();
    await t.app.uploads.collectOrphans();
    expect((await t.app.inject({ method: 'GET', url: avatar })).statusCode).toBe(404);
  });
});
