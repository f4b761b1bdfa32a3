import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Category, Member } from '../../server/db/types.ts';
import { createCategory, createMember } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/** Private messages (issue 19): conversations, the team as a recipient, the netiquette's policy, reports, live. */
let t: TestApp;
let category: Category;
let alice: Member;
let bob: Member;
let carol: Member;
let outsider: Member;
let moderator: Member;
let base = '';

const start = (as: Member, body: Record<string, unknown>) =>
  t.api('POST', '/api/conversations', { as, body: { subject: 'Une question privée', body: 'Bonjour !', ...body } });
const conversationWith = async (as: Member, recipients: Member[], body = 'Bonjour, on en parle ici ?') => {
  const res = await start(as, { recipients: recipients.map((m) => m.username), body });
  expect(res.statusCode).toBe(201);
  return res.json().conversationId as number;
};
const notifications = (member: Member) =>
  t.db
    .selectFrom('notifications')
    .select(['kind', 'data', 'count'])
    .where('member_id', '=', member.id)
    .where('kind', '=', 'message')
    .execute();

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `ws://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  category = await createCategory(t.db);
  alice = await createMember(t.db, { trustLevel: 2 });
  bob = await createMember(t.db, { trustLevel: 2 });
  carol = await createMember(t.db, { trustLevel: 2 });
  outsider = await createMember(t.db, { trustLevel: 2 });
  moderator = await createMember(t.db, { role: 'moderator' });
});
afterAll(() => t.close());

describe('MessagesService', () => {
  describe('start and read', () => {
    it('starts a group conversation that its participants read and others cannot see', async () => {
      const id = await conversationWith(alice, [bob, carol], 'Salut **à tous** <script>alert(1)</script>');
      const read = await t.api('GET', `/api/conversations/${id}`, { as: bob });
      expect(read.statusCode).toBe(200);
      const body = read.json();
      expect(body.conversation.people.map((p: { username: string }) => p.username).sort()).toEqual(
        [alice.username, bob.username, carol.username].sort(),
      );
      expect(body.messages[0].html).toContain('<strong>à tous</strong>');
      expect(body.messages[0].html).not.toContain('<script');
      expect((await t.api('GET', `/api/conversations/${id}`, { as: outsider })).statusCode).toBe(404);
      expect((await t.api('GET', `/api/conversations/${id}`)).statusCode).toBe(401);
      expect((await t.api('GET', '/api/conversations/99999999', { as: bob })).statusCode).toBe(404);
      expect(
        (await t.api('POST', `/api/conversations/${id}/messages`, { as: outsider, body: { body: 'Moi aussi !' } }))
          .statusCode,
      ).toBe(404);
    });

    it('counts unread messages until the conversation is opened', async () => {
      const id = await conversationWith(alice, [bob]);
      expect(
        (await t.api('POST', `/api/conversations/${id}/messages`, { as: alice, body: { body: 'Et encore un mot.' } }))
          .statusCode,
      ).toBe(201);
      const inbox = (await t.api('GET', '/api/conversations', { as: bob })).json();
      expect(inbox.conversations.find((c: { id: number }) => c.id === id).unread).toBe(2);
      expect(inbox.conversations.find((c: { id: number }) => c.id === id).people.length).toBe(2);
      await t.api('GET', `/api/conversations/${id}`, { as: bob });
      const after = (await t.api('GET', '/api/conversations', { as: bob })).json();
      expect(after.conversations.find((c: { id: number }) => c.id === id).unread).toBe(0);
      expect(
        (await t.api('GET', '/api/conversations', { as: alice }))
          .json()
          .conversations.find((c: { id: number }) => c.id === id).unread,
      ).toBe(0);
    });

    it('refuses bad input with 4xx', async () => {
      expect((await start(alice, { recipients: [] })).statusCode).toBe(422);
      expect((await start(alice, { recipients: [alice.username] })).statusCode).toBe(422);
      const unknown = await start(alice, { recipients: ['personne_de_ce_nom'] });
      expect(unknown.statusCode).toBe(422);
      expect(unknown.json().error.code).toBe('message.unknown_recipient');
      expect((await start(alice, { recipients: [bob.username], subject: '' })).statusCode).toBe(422);
      expect((await start(alice, { recipients: [bob.username], body: '' })).statusCode).toBe(422);
      expect((await start(alice, { recipients: 'bob' })).statusCode).toBe(422);
      expect((await t.api('GET', '/api/conversations/abc', { as: alice })).statusCode).toBe(400);
      expect(
        (await t.api('POST', '/api/conversations', { body: { recipients: [bob.username], subject: 'x', body: 'y' } }))
          .statusCode,
      ).toBe(401);
    });

    it('refuses a suspended member', async () => {
      const suspended = await createMember(t.db, { suspendedUntil: new Date(Date.now() + 86_400_000) });
      const res = await start(suspended, { recipients: [bob.username] });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('member.suspended');
    });

    it('needs a confirmed address when the community requires one, except to write to the team', async () => {
      const manager = await createMember(t.db, { role: 'community_manager' });
      const unconfirmed = await createMember(t.db, { trustLevel: 2 });
      await t.api('PUT', '/api/mail/settings', { as: manager, body: { verificationRequired: true } });
      try {
        const refused = await start(unconfirmed, { recipients: [bob.username] });
        expect(refused.statusCode).toBe(403);
        expect(refused.json().error.code).toBe('email.unverified');
        expect((await start(unconfirmed, { recipients: [], toStaff: true })).statusCode).toBe(201);
      } finally {
        await t.api('PUT', '/api/mail/settings', { as: manager, body: { verificationRequired: false } });
      }
    });

    it('limits new conversations per day by trust level, but never those with the team', async () => {
      const newcomer = await createMember(t.db, { trustLevel: 0 });
      for (let i = 0; i < 3; i++) expect((await start(newcomer, { recipients: [bob.username] })).statusCode).toBe(201);
      const refused = await start(newcomer, { recipients: [bob.username] });
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error).toMatchObject({ code: 'message.daily_limit', details: { limit: 3 } });
      expect((await start(newcomer, { recipients: [], toStaff: true })).statusCode).toBe(201);
    });
  });

  describe('recipient suggestions', () => {
    const suggest = (as: Member | undefined, q: string) =>
      t.api('GET', `/api/mentions?for=message&q=${encodeURIComponent(q)}`, as ? { as } : {});
    const names = async (as: Member, q: string) =>
      ((await suggest(as, q)).json().members as { username: string }[]).map((m) => m.username).sort();

    it('suggests members by name, without who refuses the sender or whom the sender ignores', async () => {
      const sender = await createMember(t.db, { username: 'rosalie_exp', trustLevel: 2 });
      const open = await createMember(t.db, { username: 'rosa_ouverte', trustLevel: 1 });
      const refusing = await createMember(t.db, { username: 'rosa_refuse', trustLevel: 1 });
      const ignored = await createMember(t.db, { username: 'rosa_ignoree', trustLevel: 1 });
      await createMember(t.db, { username: 'rosa_bannie', bannedAt: new Date() });
      const ignore = (who: Member, whom: Member) =>
        t.api('PUT', `/api/members/${whom.username}/ignore`, { as: who }).then((r) => r.statusCode);
      expect(await ignore(refusing, sender)).toBe(200);
      expect(await ignore(sender, ignored)).toBe(200);
      expect(await names(sender, 'rosa')).toEqual([open.username]);
      // The @mention autocomplete itself still offers them all (an ignored member can still be named).
      const mentions = (await t.api('GET', '/api/mentions?q=rosa', { as: sender })).json().members;
      expect(mentions.map((m: { username: string }) => m.username).sort()).toEqual(
        [ignored.username, open.username, refusing.username].sort(),
      );
      // Staff cannot be refused: a moderator is offered the member who ignores the sender's peers.
      await t.db.insertInto('member_ignores').values({ member_id: refusing.id, ignored_id: moderator.id }).execute();
      expect(await names(moderator, 'rosa_')).toEqual([ignored.username, open.username, refusing.username].sort());
    });

    it('answers visitors 401, a suspended member 403 and a bad purpose 400', async () => {
      const suspended = await createMember(t.db, { suspendedUntil: new Date(Date.now() + 86_400_000) });
      expect((await suggest(undefined, 'rosa')).statusCode).toBe(401);
      const refused = await suggest(suspended, 'rosa');
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('member.suspended');
      expect((await t.api('GET', '/api/mentions?for=thread&q=rosa', { as: alice })).statusCode).toBe(400);
      // A suspended member may still be offered names to @mention (nothing is sent).
      expect((await t.api('GET', '/api/mentions?q=rosa', { as: suspended })).statusCode).toBe(200);
    });
  });

  describe('the netiquette in private messages', () => {
    it('lets personal data through with a notice, where a public post is held', async () => {
      const body = 'Mon numéro : 06 12 34 56 78, et mon adresse marie.durand@exemple.fr';
      const res = await start(alice, { recipients: [bob.username], body });
      expect(res.statusCode).toBe(201);
      expect(res.json().message.state).toBe('published');
      expect(
        res
          .json()
          .message.notices.map((h: { ruleKey: string }) => h.ruleKey)
          .sort(),
      ).toEqual(['email', 'phone']);
      const post = await t.api('POST', '/api/threads', {
        as: alice,
        body: { categoryId: category.id, title: 'Contactez-moi directement', body, kind: 'discussion' },
      });
      expect(post.json().moderation.state).toBe('pending');
      // The conversation stays private: nothing opened it to staff.
      const id = res.json().conversationId;
      expect((await t.api('GET', `/api/conversations/${id}`, { as: moderator })).statusCode).toBe(403);
    });

    it('holds an insult for the team, who may then read the conversation', async () => {
      const res = await start(alice, { recipients: [bob.username], body: 'Espèce de connard, tu vas voir.' });
      expect(res.statusCode).toBe(201);
      expect(res.json().message.state).toBe('held');
      const id = res.json().conversationId;
      // Bob does not see it; its author does; the team reads the conversation and releases or refuses it.
      expect((await t.api('GET', `/api/conversations/${id}`, { as: bob })).json().messages).toHaveLength(0);
      expect((await t.api('GET', `/api/conversations/${id}`, { as: alice })).json().messages[0].state).toBe('held');
      const seen = (await t.api('GET', `/api/conversations/${id}`, { as: moderator })).json();
      expect(seen.reports[0]).toMatchObject({ reason: 'netiquette', by: null });
      const decided = await t.api('POST', `/api/messages/${res.json().message.id}/decision`, {
        as: moderator,
        body: { decision: 'refuse' },
      });
      expect(decided.json().state).toBe('rejected');
      expect(
        (
          await t.api('POST', `/api/messages/${res.json().message.id}/decision`, {
            as: moderator,
            body: { decision: 'refuse' },
          })
        ).statusCode,
      ).toBe(409);
      expect(
        (
          await t.api('POST', `/api/messages/${res.json().message.id}/decision`, {
            as: bob,
            body: { decision: 'release' },
          })
        ).statusCode,
      ).toBe(403);
    });

    it('refuses an insult when the rule refuses, and gives the text back', async () => {
      await t.db
        .updateTable('netiquette_rules')
        .set({ action: 'reject', updated_at: new Date() })
        .where('key', '=', 'insults')
        .execute();
      try {
        const body = 'Espèce de connard.';
        const res = await start(alice, { recipients: [bob.username], body });
        expect(res.statusCode).toBe(422);
        expect(res.json().error).toMatchObject({ code: 'netiquette.rejected', details: { body } });
      } finally {
        await t.db
          .updateTable('netiquette_rules')
          .set({ action: 'hold', updated_at: new Date() })
          .where('key', '=', 'insults')
          .execute();
      }
    });
  });

  describe('the team as a recipient', () => {
    it('reaches every moderator, who reply without a report', async () => {
      const other = await createMember(t.db, { role: 'moderator' });
      const res = await start(carol, { recipients: [], toStaff: true, body: 'Je préfère vous écrire en privé.' });
      const id = res.json().conversationId;
      expect(
        (await notifications(other)).some((n) => (n.data as { conversationId: number }).conversationId === id),
      ).toBe(true);
      expect((await t.api('GET', `/api/conversations/${id}`, { as: moderator })).statusCode).toBe(200);
      expect(
        (
          await t.api('POST', `/api/conversations/${id}/messages`, {
            as: moderator,
            body: { body: 'Merci, on regarde.' },
          })
        ).statusCode,
      ).toBe(201);
      expect(
        (await notifications(carol)).some((n) => (n.data as { conversationId: number }).conversationId === id),
      ).toBe(true);
      const list = (await t.api('GET', '/api/moderation/conversations?kind=team', { as: moderator })).json();
      expect(list.conversations.map((c: { id: number }) => c.id)).toContain(id);
      expect((await t.api('GET', '/api/moderation/conversations?kind=team', { as: carol })).statusCode).toBe(403);
      expect((await t.api('GET', '/api/moderation/conversations?kind=nope', { as: moderator })).statusCode).toBe(400);
      // No audit row for the team's own inbox.
      const audits = await t.db
        .selectFrom('audit_log')
        .select('id')
        .where('subject_type', '=', 'conversation')
        .where('subject_id', '=', String(id))
        .execute();
      expect(audits).toHaveLength(0);
    });
  });

  describe('reports', () => {
    it('keeps staff out until a participant reports, then audits every read', async () => {
      const id = await conversationWith(alice, [bob], 'Un message entre nous.');
      const before = await t.api('GET', `/api/conversations/${id}`, { as: moderator });
      expect(before.statusCode).toBe(403);
      expect(before.json().error.code).toBe('conversation.private');
      expect(
        (await t.api('POST', `/api/conversations/${id}/reports`, { as: outsider, body: { reason: 'spam' } }))
          .statusCode,
      ).toBe(404);
      expect(
        (await t.api('POST', `/api/conversations/${id}/reports`, { as: bob, body: { reason: 'nope' } })).statusCode,
      ).toBe(422);
      expect(
        (
          await t.api('POST', `/api/conversations/${id}/reports`, {
            as: bob,
            body: { reason: 'harassment', note: 'Il insiste.' },
          })
        ).statusCode,
      ).toBe(201);
      const alerted = await t.db
        .selectFrom('notifications')
        .select(['data'])
        .where('member_id', '=', moderator.id)
        .where('kind', '=', 'message.reported')
        .execute();
      expect(alerted.map((n) => (n.data as { conversationId: number }).conversationId)).toContain(id);
      const after = await t.api('GET', `/api/conversations/${id}`, { as: moderator });
      expect(after.statusCode).toBe(200);
      expect(after.json().messages[0].html).toContain('Un message entre nous.');
      expect(after.json().reports[0]).toMatchObject({ reason: 'harassment', note: 'Il insiste.', by: bob.username });
      await t.api('GET', `/api/conversations/${id}`, { as: moderator });
      const audits = await t.db
        .selectFrom('audit_log')
        .select(['actor_id', 'action'])
        .where('subject_type', '=', 'conversation')
        .where('subject_id', '=', String(id))
        .execute();
      expect(audits).toEqual([
        { actor_id: moderator.id, action: 'conversation.read' },
        { actor_id: moderator.id, action: 'conversation.read' },
      ]);
      // Staff read a reported conversation; they do not write in it.
      expect(
        (await t.api('POST', `/api/conversations/${id}/messages`, { as: moderator, body: { body: 'Bonjour.' } }))
          .statusCode,
      ).toBe(403);
      const reported = (await t.api('GET', '/api/moderation/conversations?kind=reported', { as: moderator })).json();
      expect(reported.conversations.map((c: { id: number }) => c.id)).toContain(id);
    });
  });

  describe('the moderation queue', () => {
    const queue = (as?: Member) => t.api('GET', '/api/moderation/conversation-reports', as ? { as } : {});
    type Queued = { id: number; reports: { reason: string; note: string; reporter: { username: string } | null }[] };
    const queued = async (id: number) =>
      ((await queue(moderator)).json().conversations as Queued[]).find((c) => c.id === id);

    it('lists a reported conversation with each report’s reason, details and reporter until it is settled', async () => {
      const id = await conversationWith(alice, [bob, carol], 'Réponds-moi ou je raconte tout.');
      expect(await queued(id)).toBeUndefined();
      await t.api('POST', `/api/conversations/${id}/reports`, {
        as: bob,
        body: { reason: 'threat', note: 'Elle menace de tout raconter.' },
      });
      await t.api('POST', `/api/conversations/${id}/reports`, { as: carol, body: { reason: 'harassment' } });
      const item = await queued(id);
      expect(item?.reports).toEqual([
        expect.objectContaining({
          reason: 'threat',
          note: 'Elle menace de tout raconter.',
          reporter: { username: bob.username, displayName: bob.display_name },
        }),
        expect.objectContaining({
          reason: 'harassment',
          note: '',
          reporter: expect.objectContaining({ username: carol.username }),
        }),
      ]);
      // From the queue, the moderator opens it (read, audited).
      expect((await t.api('GET', `/api/conversations/${id}`, { as: moderator })).statusCode).toBe(200);

      const settled = await t.api('POST', `/api/moderation/conversations/${id}/settle`, { as: moderator });
      expect(settled.statusCode).toBe(200);
      expect(await queued(id)).toBeUndefined();
      const again = await t.api('POST', `/api/moderation/conversations/${id}/settle`, { as: moderator });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('conversation.no_open_report');
      const audits = await t.db
        .selectFrom('audit_log')
        .select(['actor_id', 'action'])
        .where('subject_type', '=', 'conversation')
        .where('subject_id', '=', String(id))
        .orderBy('id')
        .execute();
      expect(audits).toEqual([
        { actor_id: moderator.id, action: 'conversation.read' },
        { actor_id: moderator.id, action: 'conversation.reports_settled' },
      ]);
      // Still readable once settled (audited); a new report brings it back.
      expect((await t.api('GET', `/api/conversations/${id}`, { as: moderator })).statusCode).toBe(200);
      await t.api('POST', `/api/conversations/${id}/reports`, { as: carol, body: { reason: 'spam' } });
      expect((await queued(id))?.reports.map((r) => r.reason)).toEqual(['spam']);
    });

    it('shows the netiquette as the reporter of a held message', async () => {
      const id = await conversationWith(alice, [bob]);
      await t.db
        .insertInto('conversation_reports')
        .values({ conversation_id: id, reporter_id: null, reason: 'netiquette', note: 'insult' })
        .execute();
      expect((await queued(id))?.reports).toEqual([expect.objectContaining({ reason: 'netiquette', reporter: null })]);
    });

    it('is for staff only, and refuses bad input', async () => {
      expect((await queue()).statusCode).toBe(401);
      expect((await queue(alice)).statusCode).toBe(403);
      expect((await t.api('POST', '/api/moderation/conversations/1/settle')).statusCode).toBe(401);
      expect((await t.api('POST', '/api/moderation/conversations/1/settle', { as: bob })).statusCode).toBe(403);
      expect((await t.api('POST', '/api/moderation/conversations/99999999/settle', { as: moderator })).statusCode).toBe(
        404,
      );
      expect((await t.api('POST', '/api/moderation/conversations/abc/settle', { as: moderator })).statusCode).toBe(400);
      expect((await t.api('GET', '/api/moderation/conversation-reports?before=x', { as: moderator })).statusCode).toBe(
        400,
      );
    });
  });

  describe('leave and mute', () => {
    it('stops notifications when muted, and removes a conversation from the inbox when left', async () => {
      const id = await conversationWith(alice, [bob, carol]);
      expect(
        (await t.api('PUT', `/api/conversations/${id}/mute`, { as: bob, body: { muted: true } })).json(),
      ).toMatchObject({ muted: true });
      const count = async (m: Member) =>
        (await notifications(m)).filter((n) => (n.data as { conversationId: number }).conversationId === id).length;
      await t.db.deleteFrom('notifications').where('member_id', 'in', [bob.id, carol.id]).execute();
      await t.api('POST', `/api/conversations/${id}/messages`, { as: alice, body: { body: 'Quelqu’un ?' } });
      expect(await count(bob)).toBe(0);
      expect(await count(carol)).toBe(1);
      expect((await t.api('POST', `/api/conversations/${id}/leave`, { as: carol })).statusCode).toBe(200);
      const inbox = (await t.api('GET', '/api/conversations', { as: carol })).json();
      expect(inbox.conversations.map((c: { id: number }) => c.id)).not.toContain(id);
      expect((await t.api('GET', `/api/conversations/${id}`, { as: carol })).statusCode).toBe(404);
      expect((await t.api('POST', `/api/conversations/${id}/leave`, { as: carol })).statusCode).toBe(404);
      expect(
        (await t.api('PUT', `/api/conversations/${id}/mute`, { as: outsider, body: { muted: true } })).statusCode,
      ).toBe(404);
      expect((await t.api('PUT', `/api/conversations/${id}/mute`, { as: bob, body: {} })).statusCode).toBe(422);
    });
  });

  describe('live', () => {
    const socket = async (member: Member) => {
      const ws = new WebSocket(`${base}/api/live`, { headers: { cookie: await t.loginAs(member) } });
      const messages: { type: string; event?: string; data?: { messageId: number }; denied?: unknown[] }[] = [];
      ws.on('message', (raw) => messages.push(JSON.parse(raw.toString())));
      await until(() => messages.some((m) => m.type === 'ready'));
      return { ws, messages };
    };
    const until = async (done: () => boolean) => {
      const end = Date.now() + 10_000;
      while (!done()) {
        if (Date.now() > end) throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    it('delivers a new message to the participants only', async () => {
      const id = await conversationWith(alice, [bob]);
      const [b, o] = [await socket(bob), await socket(outsider)];
      try {
        b.ws.send(JSON.stringify({ type: 'subscribe', topics: [`conversation:${id}`] }));
        o.ws.send(JSON.stringify({ type: 'subscribe', topics: [`conversation:${id}`] }));
        await until(
          () => b.messages.some((m) => m.type === 'subscribed') && o.messages.some((m) => m.type === 'subscribed'),
        );
        expect(o.messages.find((m) => m.type === 'subscribed')!.denied).toEqual([
          { topic: `conversation:${id}`, code: 'conversation.not_found' },
        ]);
        expect(b.messages.find((m) => m.type === 'subscribed')!.denied).toEqual([]);
        const sent = await t.api('POST', `/api/conversations/${id}/messages`, {
          as: alice,
          body: { body: 'En direct !' },
        });
        await until(() => b.messages.some((m) => m.event === 'message.created'));
        expect(b.messages.find((m) => m.event === 'message.created')!.data!.messageId).toBe(sent.json().message.id);
        expect(o.messages.some((m) => m.type === 'event')).toBe(false);
      } finally {
        b.ws.close();
        o.ws.close();
      }
    });
  });
});
