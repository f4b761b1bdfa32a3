import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';
import { startSmtp, type TestSmtp } from '../setup/smtp.ts';

let t: TestApp;
let smtp: TestSmtp;
let manager: Member;
beforeAll(async () => {
  smtp = await startSmtp();
  t = await createTestApp({
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Agora <no-reply@forum.test>',
    PUBLIC_URL: 'https://forum.test',
  });
  manager = await createMember(t.db, { role: 'community_manager' });
  await t.db.updateTable('members').set({ email_verified_at: new Date() }).where('id', '=', manager.id).execute();
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const tick = () => t.app.mailWorker.tick();
const DAY = 86_400_000;
async function member(
  values: Partial<{
    digest: 'off' | 'daily' | 'weekly';
    newsletter: boolean;
    verified: boolean;
    lastSeenDaysAgo: number;
  }> = {},
  overrides: Parameters<typeof createMember>[1] = {},
) {
  const m = await createMember(t.db, overrides);
  await t.db
    .updateTable('members')
    .set({
      digest: values.digest ?? 'off',
      newsletter: values.newsletter ?? false,
      email_verified_at: values.verified === false ? null : new Date(),
      last_seen_at: new Date(Date.now() - (values.lastSeenDaysAgo ?? 3) * DAY),
    })
    .where('id', '=', m.id)
    .execute();
  return (await t.db.selectFrom('members').selectAll().where('id', '=', m.id).executeTakeFirstOrThrow()) as Member;
}
const keyOf = (m: Member) => m.mail_key;

describe('digests', () => {
  it('sends the period’s active threads, with one-click unsubscribe headers, to members away during it, once', async () => {
    const author = await createMember(t.db);
    const hiking = await createCategory(t.db, { name: 'Randonnée' });
    const { thread } = await createThread(t.db, author, hiking.id, { title: 'Le tour du Mont Blanc en juin' });
    await createReply(t.db, author, thread.id);
    const away = await member({ digest: 'daily', lastSeenDaysAgo: 2 });
    const here = await member({ digest: 'daily', lastSeenDaysAgo: 0 });
    const off = await member({ digest: 'off' });
    const banned = await member({ digest: 'daily' }, { bannedAt: new Date() });
    const unverified = await member({ digest: 'daily', verified: false });
    await tick();
    const [mail] = smtp.to(away.email);
    expect(mail!.subject).toBe('[Agora] Les discussions du jour');
    expect(mail!.text).toContain('Le tour du Mont Blanc en juin');
    expect(mail!.text).toContain(`https://forum.test/t/${thread.id}`);
    expect(mail!.headers['list-unsubscribe']).toBe(
      `<https://forum.test/api/mail/unsubscribe?key=${keyOf(away)}&list=digest>`,
    );
    expect(mail!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(mail!.text).toContain(`https://forum.test/unsubscribe?key=${keyOf(away)}&list=digest`);
    expect(mail!.html).toMatch(/<a href="[^"]+" style="/);
    for (const m of [here, off, banned, unverified]) expect(smtp.to(m.email)).toHaveLength(0);
    await tick();
    expect(smtp.to(away.email)).toHaveLength(1);
  });

  it('keeps to the categories the member follows, and never lists a hidden thread', async () => {
    const author = await createMember(t.db);
    const followed = await createCategory(t.db);
    const other = await createCategory(t.db);
    const shown = await createThread(t.db, author, followed.id, { title: 'Dans la catégorie suivie' });
    const hidden = await createThread(t.db, author, followed.id, { title: 'Un sujet masqué' });
    await t.db.updateTable('threads').set({ state: 'hidden' }).where('id', '=', hidden.thread.id).execute();
    await createThread(t.db, author, other.id, { title: 'Dans une autre catégorie' });
    const reader = await member({ digest: 'weekly', lastSeenDaysAgo: 8 });
    const set = await t.api('PUT', '/api/me/mail', { as: reader, body: { followedCategories: [followed.id] } });
    expect(set.json().categories.find((c: { id: number }) => c.id === followed.id).followed).toBe(true);
    // Signing in to set the preference counted as a visit.
    await t.db
      .updateTable('members')
      .set({ last_seen_at: new Date(Date.now() - 8 * DAY) })
      .where('id', '=', reader.id)
      .execute();
    await tick();
    const [mail] = smtp.to(reader.email);
    expect(mail!.subject).toBe('[Agora] Les discussions de la semaine');
    expect(mail!.text).toContain(shown.thread.title);
    expect(mail!.text).not.toContain('Dans une autre catégorie');
    expect(mail!.text).not.toContain('Un sujet masqué');
  });
});

describe('newsletters', () => {
  const draft = {
    subject: 'Concours photo de l’été',
    body: '## À vos appareils\n\nEnvoyez vos plus belles photos [ici](/c/photos) avant le **31 août**.',
    audience: 'all',
  };

  it('previews, test-sends to the manager alone, then goes to every opted-in member who may get bulk mail', async () => {
    const reader = await member({ newsletter: true });
    const english = await member({ newsletter: true });
    await t.db.updateTable('members').set({ locale: 'en' }).where('id', '=', english.id).execute();
    const notOptedIn = await member({ newsletter: false });
    const suspended = await member({ newsletter: true }, { suspendedUntil: new Date(Date.now() + DAY) });
    const unverified = await member({ newsletter: true, verified: false });
    const created = await t.api('POST', '/api/newsletters', { as: manager, body: draft });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;

    const preview = await t.api('POST', '/api/newsletters/preview', { as: manager, body: draft });
    expect(preview.json().html).toMatch(/<a href="https:\/\/forum\.test\/c\/photos"[^>]* style="/);
    expect(preview.json().recipients).toBeGreaterThanOrEqual(2);

    expect((await t.api('POST', `/api/newsletters/${id}/test`, { as: manager })).statusCode).toBe(202);
    await tick();
    expect(smtp.to(manager.email)[0]!.subject).toBe('[Essai] Concours photo de l’été');
    expect(smtp.to(reader.email)).toHaveLength(0);

    const scheduled = await t.api('POST', `/api/newsletters/${id}/schedule`, { as: manager, body: {} });
    expect(scheduled.json().state).toBe('scheduled');
    await tick();
    const [mail] = smtp.to(reader.email);
    expect(mail!.subject).toBe('Concours photo de l’été');
    expect(mail!.text).toContain('Envoyez vos plus belles photos');
    expect(mail!.html).toContain('<strong>31 août</strong>');
    expect(mail!.headers['list-unsubscribe']).toBe(
      `<https://forum.test/api/mail/unsubscribe?key=${keyOf(reader)}&list=newsletter>`,
    );
    expect(mail!.text).toContain(`https://forum.test/unsubscribe?key=${keyOf(reader)}&list=newsletter`);
    expect(smtp.to(english.email)[0]!.text).toContain('Unsubscribe from the newsletter');
    for (const m of [notOptedIn, suspended, unverified]) expect(smtp.to(m.email)).toHaveLength(0);

    await tick(); // settles the state once nothing is pending
    const shown = (await t.api('GET', `/api/newsletters/${id}`, { as: manager })).json();
    expect(shown.state).toBe('sent');
    expect(shown.recipients).toBe(shown.progress.sent);
    expect(shown.progress).toMatchObject({ pending: 0, failed: 0 });
    const again = await t.api('PUT', `/api/newsletters/${id}`, { as: manager, body: draft });
    expect(again.statusCode).toBe(409);
  });

  it('reaches a trust level and above, or a category’s followers, when so addressed', async () => {
    const category = await createCategory(t.db);
    const high = await member({ newsletter: true }, { trustLevel: 3 });
    const low = await member({ newsletter: true }, { trustLevel: 1 });
    const follower = await member({ newsletter: true }, { trustLevel: 1 });
    await t.api('PUT', '/api/me/mail', { as: follower, body: { followedCategories: [category.id] } });
    const byLevel = await t.api('POST', '/api/newsletters', {
      as: manager,
      body: { ...draft, subject: 'Pour les habitués', audience: 'trust_level', trustLevel: 3 },
    });
    const byCategory = await t.api('POST', '/api/newsletters', {
      as: manager,
      body: { ...draft, subject: 'Pour les abonnés', audience: 'category', categoryId: category.id },
    });
    await t.api('POST', `/api/newsletters/${byLevel.json().id}/schedule`, { as: manager, body: {} });
    await t.api('POST', `/api/newsletters/${byCategory.json().id}/schedule`, { as: manager, body: {} });
    await tick();
    expect(smtp.to(high.email).map((m) => m.subject)).toEqual(['Pour les habitués']);
    expect(smtp.to(follower.email).map((m) => m.subject)).toEqual(['Pour les abonnés']);
    expect(smtp.to(low.email)).toHaveLength(0);
  });

  it('waits for its time when scheduled later', async () => {
    const reader = await member({ newsletter: true });
    const created = await t.api('POST', '/api/newsletters', { as: manager, body: { ...draft, subject: 'Plus tard' } });
    const later = new Date(Date.now() + 3_600_000).toISOString();
    await t.api('POST', `/api/newsletters/${created.json().id}/schedule`, { as: manager, body: { sendAt: later } });
    await tick();
    expect(smtp.to(reader.email).filter((m) => m.subject === 'Plus tard')).toHaveLength(0);
  });

  it('is refused to members (403) and visitors (401)', async () => {
    const someone = await createMember(t.db);
    expect((await t.api('GET', '/api/newsletters', { as: someone })).statusCode).toBe(403);
    expect((await t.api('POST', '/api/newsletters', { as: someone, body: draft })).statusCode).toBe(403);
    expect((await t.api('POST', '/api/newsletters/preview', { as: someone, body: draft })).statusCode).toBe(403);
    expect((await t.api('GET', '/api/newsletters')).statusCode).toBe(401);
    const created = await t.api('POST', '/api/newsletters', { as: manager, body: draft });
    expect((await t.api('POST', `/api/newsletters/${created.json().id}/test`, { as: someone })).statusCode).toBe(403);
    expect(
      (await t.api('POST', `/api/newsletters/${created.json().id}/schedule`, { as: someone, body: {} })).statusCode,
    ).toBe(403);
  });

  it('is refused from another site (Origin check)', async () => {
    const res = await t.api('POST', '/api/newsletters', {
      as: manager,
      body: draft,
      headers: { origin: 'https://evil.example' },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('unsubscribing, without a login', () => {
  it('one-click (RFC 8058): a form POST from a mail provider, with no Origin and no cookie', async () => {
    const reader = await member({ newsletter: true, digest: 'daily' });
    const url = `/api/mail/unsubscribe?key=${keyOf(reader)}&list=newsletter`;
    const res = await t.app.inject({
      method: 'POST',
      url,
      headers: { host: 'forum.test', 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(res.statusCode).toBe(200);
    const row = await t.db
      .selectFrom('members')
      .select(['newsletter', 'digest'])
      .where('id', '=', reader.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ newsletter: false, digest: 'daily' });
    expect((await t.api('GET', url)).json()).toEqual({ list: 'newsletter', subscribed: false });
  });

  it('leaves the digest, or every notification kind that can be turned off by e-mail', async () => {
    const reader = await member({ digest: 'weekly' });
    await t.api('POST', `/api/mail/unsubscribe?key=${keyOf(reader)}&list=digest`);
    await t.api('POST', `/api/mail/unsubscribe?key=${keyOf(reader)}&list=notifications`);
    const prefs = (await t.api('GET', '/api/notifications/preferences', { as: reader })).json();
    expect(prefs.emailMuted.sort()).toEqual([...prefs.emailKinds].sort());
    expect((await t.api('GET', '/api/me/mail', { as: reader })).json().digest).toBe('off');
  });

  it('answers 404 for a key that names nobody, and 400 for a list that does not exist', async () => {
    const unknown = await t.api('POST', `/api/mail/unsubscribe?key=${'0'.repeat(64)}&list=newsletter`);
    expect(unknown.statusCode).toBe(404);
    const reader = await member();
    expect((await t.api('POST', `/api/mail/unsubscribe?key=${keyOf(reader)}&list=everything`)).statusCode).toBe(400);
  });
});

describe('GDPR export', () => {
  it('includes the mail preferences and the mail sent', async () => {
    const reader = await member({ newsletter: true, digest: 'weekly' });
    await t.api('POST', '/api/auth/password/forgot', { body: { login: reader.email } });
    const res = await t.api('GET', `/api/manage/members/${reader.id}/export`, { as: manager });
    expect(res.statusCode).toBe(200);
    const { mail } = res.json();
    expect(mail.preferences).toMatchObject({ digest: 'weekly', newsletter: true });
    expect(mail.sent).toEqual([expect.objectContaining({ kind: 'password.reset', to_address: reader.email })]);
  });
});
