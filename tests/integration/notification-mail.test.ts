import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Member } from '../../server/db/types.ts';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';
import { startSmtp, type TestSmtp } from '../setup/smtp.ts';

let t: TestApp;
let smtp: TestSmtp;
let categoryId: number;
let manager: Member;
beforeAll(async () => {
  smtp = await startSmtp();
  t = await createTestApp({
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Agora <no-reply@forum.test>',
    PUBLIC_URL: 'https://forum.test',
  });
  categoryId = (await createCategory(t.db)).id;
  manager = await createMember(t.db, { role: 'community_manager' });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});
beforeEach(async () => {
  await t.api('PUT', '/api/mail/settings', { as: manager, body: { notificationDelayMinutes: 0 } });
});

/** The notification mailer and the outbox worker, as one tick of the worker does. */
const tick = () => t.app.mailWorker.tick();
async function verifiedMember(overrides: Parameters<typeof createMember>[1] = {}) {
  const member = await createMember(t.db, overrides);
  await t.db.updateTable('members').set({ email_verified_at: new Date() }).where('id', '=', member.id).execute();
  return member;
}
async function reply(as: Member, threadId: number, body: string, replyTo?: number) {
  const res = await t.api('POST', `/api/threads/${threadId}/posts`, { as, body: { body, replyTo } });
  expect(res.statusCode).toBe(201);
  return res.json().post as { id: number; number: number };
}

describe('notification e-mails', () => {
  it('mails a reply left unread, in the member’s thread, with its text and a link to the post', async () => {
    const author = await verifiedMember();
    const other = await verifiedMember();
    const { thread } = await createThread(t.db, author, categoryId, { title: 'Quel sac pour le GR20 ?' });
    await reply(other, thread.id, 'Un **40 litres** suffit largement.');
    await tick();
    const [mail] = smtp.to(author.email);
    expect(mail!.subject).toBe('[Agora] Quel sac pour le GR20 ?');
    expect(mail!.text).toContain('a répondu dans « Quel sac pour le GR20 ? »');
    expect(mail!.text).toContain('Un 40 litres suffit largement.');
    expect(mail!.text).toContain(`https://forum.test/t/${thread.id}#post-2`);
    expect(mail!.headers['message-id']).toMatch(new RegExp(`^<thread-${thread.id}\\.n\\d+@forum\\.test>$`));
    expect(mail!.headers['in-reply-to']).toBe(`<thread-${thread.id}@forum.test>`);
    expect(mail!.headers.references).toBe(`<thread-${thread.id}@forum.test>`);
    expect(mail!.headers['list-unsubscribe']).toBe(
      `<https://forum.test/api/mail/unsubscribe?key=${(await t.db.selectFrom('members').select('mail_key').where('id', '=', author.id).executeTakeFirstOrThrow()).mail_key}&list=notifications>`,
    );
    expect(mail!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    // Dealt with once.
    await tick();
    expect(smtp.to(author.email)).toHaveLength(1);
  });

  it('waits for the configured delay, and sends nothing for a notification seen in the app meanwhile', async () => {
    await t.api('PUT', '/api/mail/settings', { as: manager, body: { notificationDelayMinutes: 15 } });
    const author = await verifiedMember();
    const other = await verifiedMember();
    const { thread } = await createThread(t.db, author, categoryId);
    await reply(other, thread.id, 'Première réponse.');
    await tick();
    expect(smtp.to(author.email)).toHaveLength(0);
    const backdate = () =>
      t.db
        .updateTable('notifications')
        .set({ created_at: new Date(Date.now() - 16 * 60_000) })
        .where('member_id', '=', author.id)
        .execute();
    await backdate();
    await tick();
    expect(smtp.to(author.email)).toHaveLength(1);

    await reply(other, thread.id, 'Deuxième réponse.');
    await t.api('POST', '/api/notifications/read', { as: author, body: {} });
    await backdate();
    await tick();
    expect(smtp.to(author.email)).toHaveLength(1);
  });

  it('groups a member’s notifications of one thread in one message', async () => {
    const author = await verifiedMember();
    const first = await verifiedMember();
    const second = await verifiedMember();
    const { thread } = await createThread(t.db, author, categoryId);
    await reply(first, thread.id, 'Une réponse.');
    await reply(second, thread.id, 'Une autre réponse.');
    await tick();
    const mails = smtp.to(author.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text.match(/a répondu dans/g)).toHaveLength(2);
    expect(mails[0]!.text).toContain('2 nouveautés pour vous');
  });

  it('tells a quote from a reply, and a mention, each in the member’s language', async () => {
    const quoted = await verifiedMember();
    const quoter = await verifiedMember();
    const named = await verifiedMember();
    await t.db.updateTable('members').set({ locale: 'en' }).where('id', '=', named.id).execute();
    const { thread, post } = await createThread(t.db, quoted, categoryId, { title: 'Bivouac en Chartreuse' });
    await reply(quoter, thread.id, `> Le premier message\n\nTout à fait d'accord, @${named.username} ?`, post.id);
    const kinds = await t.db
      .selectFrom('notifications')
      .select(['member_id', 'kind'])
      .where('member_id', 'in', [quoted.id, named.id])
      .execute();
    expect(kinds).toEqual(
      expect.arrayContaining([
        { member_id: quoted.id, kind: 'reply' },
        { member_id: named.id, kind: 'mention' },
      ]),
    );
    await tick();
    expect(smtp.to(named.email)[0]!.text).toContain('mentioned you in “Bivouac en Chartreuse”');

    // Quoting a post that is not the thread author's: the quoted author is told of a quote.
    const third = await verifiedMember();
    const answered = await reply(third, thread.id, 'Mon avis sur la question.');
    await reply(quoter, thread.id, '> Mon avis sur la question.\n\nPas le mien.', answered.id);
    await tick();
    expect(smtp.to(third.email).at(-1)!.text).toContain('vous a cité dans « Bivouac en Chartreuse »');
  });

  it('respects a kind turned off by e-mail (still shown in the app), and an address not confirmed', async () => {
    const author = await verifiedMember();
    const unconfirmed = await createMember(t.db);
    const other = await verifiedMember();
    const prefs = await t.api('PUT', '/api/notifications/preferences', {
      as: author,
      body: { muted: [], emailMuted: ['reply'] },
    });
    expect(prefs.json()).toMatchObject({
      emailMuted: ['reply'],
      emailKinds: expect.arrayContaining(['reply', 'quote']),
    });
    const a = await createThread(t.db, author, categoryId);
    const b = await createThread(t.db, unconfirmed, categoryId);
    await reply(other, a.thread.id, 'Une réponse.');
    await reply(other, b.thread.id, 'Une réponse.');
    await tick();
    expect(smtp.to(author.email)).toHaveLength(0);
    expect(smtp.to(unconfirmed.email)).toHaveLength(0);
    const bell = (await t.api('GET', '/api/notifications', { as: author })).json().notifications;
    expect(bell.map((n: { kind: string }) => n.kind)).toContain('reply');
  });

  it('always mails sanctions: they cannot be turned off (422)', async () => {
    const member = await verifiedMember();
    const moderator = await createMember(t.db, { role: 'moderator' });
    const refused = await t.api('PUT', '/api/notifications/preferences', {
      as: member,
      body: { muted: [], emailMuted: ['sanction.warned'] },
    });
    expect(refused.statusCode).toBe(422);
    const warn = await t.api('POST', `/api/members/${member.id}/warn`, {
      as: moderator,
      body: { reason: 'Propos agressifs' },
    });
    expect(warn.statusCode).toBe(200);
    await tick();
    const [mail] = smtp.to(member.email);
    expect(mail!.subject).toBe('[Agora] Une décision concerne votre compte');
    expect(mail!.text).toContain('avertissement');
  });

  it('tells voters of an idea’s new status, with the manager’s note', async () => {
    const author = await verifiedMember();
    const voter = await verifiedMember();
    const { thread } = await createThread(t.db, author, categoryId, { title: 'Un mode hors ligne', kind: 'idea' });
    expect((await t.api('POST', `/api/threads/${thread.id}/vote`, { as: voter })).statusCode).toBeLessThan(300);
    const set = await t.api('PUT', `/api/threads/${thread.id}/idea-status`, {
      as: manager,
      body: { status: 'planned', note: 'Prévu pour le printemps' },
    });
    expect(set.statusCode).toBe(200);
    await tick();
    const [mail] = smtp.to(voter.email);
    expect(mail!.text).toContain('L’idée « Un mode hors ligne » est maintenant : prévue — Prévu pour le printemps');
  });

  it('mails nothing of a thread the member can no longer see', async () => {
    const author = await verifiedMember();
    const mentioned = await verifiedMember();
    const moderator = await createMember(t.db, { role: 'moderator' });
    const { thread } = await createThread(t.db, author, categoryId);
    const post = await reply(author, thread.id, `Qu'en penses-tu @${mentioned.username} ?`);
    const hide = await t.api('POST', `/api/posts/${post.id}/hide`, { as: moderator, body: { reason: 'spam' } });
    expect(hide.statusCode).toBeLessThan(300);
    await t.db.updateTable('threads').set({ state: 'hidden' }).where('id', '=', thread.id).execute();
    await tick();
    expect(smtp.to(mentioned.email)).toHaveLength(0);
  });

  it('mails a private message left unread, with the conversation’s subject and link, never its text', async () => {
    const sender = await verifiedMember();
    const recipient = await verifiedMember();
    const started = await t.api('POST', '/api/conversations', {
      as: sender,
      body: { recipients: [recipient.username], subject: 'Le topo du GR20', body: 'Mon code de cadenas : 4321.' },
    });
    expect(started.statusCode).toBe(201);
    const id = started.json().conversationId;
    await tick();
    const [mail] = smtp.to(recipient.email);
    expect(mail!.subject).toBe('[Agora] Le topo du GR20');
    expect(mail!.text).toContain('vous a écrit en privé : « Le topo du GR20 »');
    expect(mail!.text).toContain(`https://forum.test/messages/${id}`);
    expect(mail!.text).not.toContain('4321');
    expect(mail!.headers['in-reply-to']).toBe(`<conversation-${id}@forum.test>`);
    expect(smtp.to(sender.email)).toHaveLength(0);
  });
});
