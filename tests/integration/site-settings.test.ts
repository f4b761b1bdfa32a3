import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../server/db/types.ts';
import { createMember } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/**
 * The console's site settings: administrators only (each refusal tested), every change audited with what it
 * was before, and each setting taking effect: the site's name, sign-ups open or closed, a readable brand colour
 * in every page's shell, the netiquette rendered through the sanitizer.
 */
const dist = path.join(os.tmpdir(), `agora-settings-${process.pid}`);
let t: TestApp;
let admin: Member;
let manager: Member;
let member: Member;

const register = (n: string) =>
  t.api('POST', '/api/auth/register', {
    body: {
      username: `joiner_${n}`,
      email: `joiner_${n}@example.test`,
      password: 'un mot de passe',
      acceptNetiquette: true,
    },
  });

beforeAll(async () => {
  mkdirSync(dist, { recursive: true, mode: 0o755 });
  writeFileSync(path.join(dist, 'index.html'), readFileSync('web/index.html', 'utf8'));
  t = await createTestApp({ WEB_DIST: dist });
  admin = await createMember(t.db, { role: 'admin' });
  manager = await createMember(t.db, { role: 'community_manager' });
  member = await createMember(t.db);
});
afterAll(() => t.close());

describe('site settings', () => {
  it('are read and changed by administrators only', async () => {
    expect((await t.api('GET', '/api/admin/settings')).statusCode).toBe(401);
    expect((await t.api('GET', '/api/admin/settings', { as: member })).statusCode).toBe(403);
    expect((await t.api('GET', '/api/admin/settings', { as: manager })).statusCode).toBe(403);
    const put = await t.api('PUT', '/api/admin/settings', { as: manager, body: { name: 'Pirates' } });
    expect(put.statusCode).toBe(403);
    const read = await t.api('GET', '/api/admin/settings', { as: admin });
    expect(read.json()).toMatchObject({ name: 'Agora', registration: 'open', accentColor: null });
  });

  it('take effect at once and are audited with what they were', async () => {
    const res = await t.api('PUT', '/api/admin/settings', {
      as: admin,
      body: { name: 'Communauté Cime', tagline: 'Dehors, ensemble', defaultLocale: 'en' },
    });
    expect(res.statusCode).toBe(200);
    expect((await t.api('GET', '/api/site')).json()).toMatchObject({
      name: 'Communauté Cime',
      tagline: 'Dehors, ensemble',
      defaultLocale: 'en',
    });
    const audit = await t.api('GET', '/api/admin/audit?subjectType=site', { as: admin });
    expect(audit.json().entries[0]).toMatchObject({
      action: 'site.settings_changed',
      actor: { id: admin.id, username: admin.username },
      data: { name: { from: 'Agora', to: 'Communauté Cime' }, defaultLocale: { from: 'fr', to: 'en' } },
    });
    expect((await t.api('GET', '/api/admin/audit', { as: manager })).statusCode).toBe(403);
  });

  it('close or open sign-ups', async () => {
    await t.api('PUT', '/api/admin/settings', { as: admin, body: { registration: 'closed' } });
    const closed = await register('a');
    expect(closed.statusCode).toBe(403);
    expect(closed.json().error.code).toBe('registration.closed');
    await t.api('PUT', '/api/admin/settings', { as: admin, body: { registration: 'invite' } });
    expect((await register('b')).json().error.code).toBe('registration.invite_only');
    await t.api('PUT', '/api/admin/settings', { as: admin, body: { registration: 'open' } });
    expect((await register('c')).statusCode).toBe(201);
    const bad = await t.api('PUT', '/api/admin/settings', { as: admin, body: { registration: 'maybe' } });
    expect(bad.statusCode).toBe(422);
  });

  it('refuse a brand colour white text cannot be read on, and give a readable one to every page', async () => {
    const light = await t.api('PUT', '/api/admin/settings', { as: admin, body: { accentColor: '#ffd43b' } });
    expect(light.statusCode).toBe(422);
    expect(light.json().error).toMatchObject({ code: 'settings.accent_contrast', details: { field: 'accentColor' } });
    const dark = await t.api('PUT', '/api/admin/settings', { as: admin, body: { accentColor: '#0b7285' } });
    expect(dark.json().accentColor).toBe('#0b7285');
    const page = await t.app.inject({ method: 'GET', url: '/', headers: { host: 'forum.test:3000' } });
    expect(page.body).toContain('--brand:#0b7285');
    expect(page.body).toContain('<meta name="theme-color" content="#0b7285" />');
  });

  it('render the netiquette through the sanitizer', async () => {
    await t.api('PUT', '/api/admin/settings', {
      as: admin,
      body: { netiquette: '# Nos règles\n\nSoyez **bienveillants**.<script>alert(1)</script>' },
    });
    const { html } = (await t.api('GET', '/api/site/netiquette')).json();
    expect(html).toContain('<strong>bienveillants</strong>');
    expect(html).not.toContain('<script');
  });
});
