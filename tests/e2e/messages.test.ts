import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { startSmtp, type TestSmtp } from '../setup/smtp.ts';
import { shot, signIn, startSite, type Site } from './browser.ts';

/** Private messages, the team as a recipient, and invitations (issue 19), on a laptop and a phone. */
let site: Site;
let smtp: TestSmtp;
let lea: Member;
let threadId: number;
let hugo: Member;
let moderator: Member;
let admin: Member;

const LAPTOP = { width: 1280, height: 900 };
const PHONE = { width: 360, height: 760 };

beforeAll(async () => {
  smtp = await startSmtp();
  site = await startSite({ SMTP_URL: smtp.url, MAIL_FROM: 'Agora <no-reply@forum.test>', MAIL_WORKER_MS: '100' });
  const category = await createCategory(site.db, { slug: 'entraide', name: 'Entraide' });
  lea = await createMember(site.db, { username: 'lea_rando', trustLevel: 2 });
  hugo = await createMember(site.db, { username: 'hugo_trail', trustLevel: 2 });
  moderator = await createMember(site.db, { username: 'modo_claire', role: 'moderator' });
  admin = await createMember(site.db, { username: 'admin_paul', role: 'admin' });
  threadId = (
    await createThread(site.db, lea, category.id, {
      title: 'Quel sac pour une semaine en refuge ?',
      body: 'Je cherche un sac de 40 L.',
    })
  ).thread.id;
  await createReply(site.db, hugo, threadId, 'Le 38 L de la gamme trek, sans hésiter.');
});
afterAll(async () => {
  await site?.close();
  await smtp?.close();
});

async function browserFor(member: Member, locale: 'fr-FR' | 'en-GB', viewport = LAPTOP) {
  const context = await site.browser.newContext({
    locale,
    viewport,
    ...(viewport === PHONE && { isMobile: true, hasTouch: true }),
  });
  await signIn(context, site, member);
  return context;
}

describe('private messages', () => {
  it('a member writes to another from a laptop; the other sees it live on a phone, in English', async () => {
    const writer = await browserFor(lea, 'fr-FR');
    const page = await writer.newPage();
    await page.goto(`${site.url}/u/hugo_trail`);
    await page.getByRole('link', { name: 'Envoyer un message' }).click();
    await page.getByRole('heading', { name: 'Nouveau message' }).waitFor();
    await page.getByText('@hugo_trail').waitFor();
    // A name no member has is marked at once, and taken away.
    await page.getByLabel('Destinataires').fill('personne_inconnue');
    await page.getByLabel('Destinataires').press('Enter');
    await page.getByText('Aucun membre ne s’appelle ainsi : personne_inconnue.').waitFor();
    await page.getByRole('button', { name: 'Retirer personne_inconnue' }).click();
    await page.getByText('Aucun membre ne s’appelle ainsi').waitFor({ state: 'detached' });
    await page.getByLabel('Sujet').fill('Sortie au Mont Aiguille');
    await page
      .getByRole('textbox', { name: 'Message' })
      .fill('Salut Hugo ! Tu es partant **samedi** ? Mon 06 12 34 56 78.');
    await shot(page, 'messages-new-laptop-fr');
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await page.getByRole('heading', { name: 'Sortie au Mont Aiguille' }).waitFor();
    await page.locator('.message strong', { hasText: 'samedi' }).waitFor();
    // Personal data passes in a private message, with a notice to the sender.
    await page.getByText('Votre message contient des données personnelles (téléphone)').waitFor();
    const conversationUrl = page.url();

    const reader = await browserFor(hugo, 'en-GB', PHONE);
    const phone = await reader.newPage();
    await phone.goto(`${site.url}/messages`);
    await phone.evaluate("localStorage.setItem('agora.locale', 'en')");
    await phone.reload();
    await phone.getByRole('link', { name: /Sortie au Mont Aiguille/ }).waitFor();
    await phone.getByText('1 unread').waitFor();
    await shot(phone, 'messages-inbox-phone-en');
    await phone.getByRole('link', { name: /Sortie au Mont Aiguille/ }).click();
    await phone.getByRole('heading', { name: 'Sortie au Mont Aiguille' }).waitFor();

    // Léa answers from her laptop: Hugo's open conversation shows it without a reload.
    await page.getByRole('textbox', { name: 'Répondre' }).fill('Départ 7 h au parking, je t’envoie l’adresse.');
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await phone.getByText('Départ 7 h au parking').waitFor({ timeout: 10_000 });
    expect(Number(await phone.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(360);
    await shot(phone, 'messages-conversation-phone-en');
    await shot(page, 'messages-conversation-laptop-fr');
    expect(page.url()).toBe(conversationUrl);
    await writer.close();
    await reader.close();
  });

  it('offers to send a public post with personal data privately to the team instead', async () => {
    const context = await browserFor(hugo, 'fr-FR', PHONE);
    const page = await context.newPage();
    await page.goto(`${site.url}/new?category=entraide`);
    await page.getByLabel('Titre').fill('Problème avec ma commande de chaussures');
    const text = 'Ma commande n’est jamais arrivée, écrivez-moi à hugo.trail@exemple.fr pour en parler.';
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill(text);
    await page.getByRole('button', { name: 'L’envoyer en privé à l’équipe' }).waitFor({ timeout: 10_000 });
    await shot(page, 'messages-send-to-team-offer-phone-fr');
    await page.getByRole('button', { name: 'L’envoyer en privé à l’équipe' }).click();
    await page.getByRole('heading', { name: 'Nouveau message' }).waitFor();
    expect(await page.getByLabel('Sujet').inputValue()).toBe('Problème avec ma commande de chaussures');
    // The team is the recipient, as one chip.
    await page.getByRole('button', { name: 'Retirer L’équipe de modération' }).waitFor();
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await page.getByRole('heading', { name: 'Problème avec ma commande de chaussures' }).waitFor();
    await page.getByText('hugo.trail@exemple.fr').waitFor();
    await context.close();

    // Every moderator reads it under "written to the team".
    const staff = await browserFor(moderator, 'fr-FR');
    const inbox = await staff.newPage();
    await inbox.goto(`${site.url}/messages?tab=team`);
    await inbox.getByRole('link', { name: /Problème avec ma commande/ }).click();
    await inbox.getByText('hugo.trail@exemple.fr').waitFor();
    await shot(inbox, 'messages-team-laptop-fr');
    await staff.close();
  });

  it('suggests recipients as one types, and the team as one recipient (laptop French, phone English)', async () => {
    const shy = await createMember(site.db, { username: 'hugolin_discret', trustLevel: 1 });
    const hugues = await createMember(site.db, { username: 'hugues_alpin', trustLevel: 1 });
    await site.db
      .updateTable('members')
      .set({ display_name: 'Hugues des Alpes' })
      .where('id', '=', hugues.id)
      .execute();
    // hugolin ignores Léa: he cannot receive her messages, so he is not offered to her.
    await site.db.insertInto('member_ignores').values({ member_id: shy.id, ignored_id: lea.id }).execute();

    const writer = await browserFor(lea, 'fr-FR');
    const page = await writer.newPage();
    await page.goto(`${site.url}/messages/new`);
    const to = page.getByRole('combobox', { name: 'Destinataires' });
    await to.click();
    await to.pressSequentially('hug');
    const list = page.getByRole('listbox', { name: 'Destinataires proposés' });
    await list.getByRole('option', { name: /@hugues_alpin\s*Hugues des Alpes/ }).waitFor();
    await list.getByRole('option', { name: /@hugo_trail/ }).waitFor();
    expect(await list.getByRole('option', { name: /hugolin_discret/ }).count()).toBe(0);
    await shot(page, 'messages-recipients-laptop-fr');
    await list.getByRole('option', { name: /@hugo_trail/ }).click();
    await page.getByRole('button', { name: 'Retirer hugo_trail' }).waitFor();
    // The team, by one of its names, picked with the keyboard.
    await to.pressSequentially('modé');
    await list.getByRole('option', { name: /L’équipe de modération/ }).waitFor();
    await to.press('Enter');
    await page.getByRole('button', { name: 'Retirer L’équipe de modération' }).waitFor();
    await page.getByLabel('Sujet').fill('Sortie groupée et autorisation');
    await page.getByRole('textbox', { name: 'Message' }).fill('Hugo et l’équipe : peut-on l’annoncer ici ?');
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await page.getByRole('heading', { name: 'Sortie groupée et autorisation' }).waitFor();
    const conversationId = Number(new URL(page.url()).pathname.split('/').pop());
    const row = await site.db
      .selectFrom('conversations')
      .select('to_staff')
      .where('id', '=', conversationId)
      .executeTakeFirstOrThrow();
    expect(row.to_staff).toBe(true);
    const people = await site.db
      .selectFrom('conversation_members')
      .select('member_id')
      .where('conversation_id', '=', conversationId)
      .execute();
    expect(people.map((p) => p.member_id).sort()).toEqual([lea.id, hugo.id].sort());
    await writer.close();

    const reader = await browserFor(hugo, 'en-GB', PHONE);
    const phone = await reader.newPage();
    await phone.goto(`${site.url}/messages/new`);
    await phone.evaluate("localStorage.setItem('agora.locale', 'en')");
    await phone.reload();
    const field = phone.getByRole('combobox', { name: 'To' });
    await field.tap();
    // On an empty field the team is offered at once.
    const offers = phone.getByRole('listbox', { name: 'Suggested recipients' });
    await offers.getByRole('option', { name: /The moderation team/ }).waitFor();
    await field.pressSequentially('lea');
    await offers.getByRole('option', { name: /@lea_rando/ }).tap();
    await phone.getByRole('button', { name: 'Remove lea_rando' }).waitFor();
    expect(await phone.getByRole('button', { name: 'Remove The moderation team' }).count()).toBe(0);
    await shot(phone, 'messages-recipients-phone-en');
    expect(Number(await phone.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(360);
    await reader.close();
  });
});

describe('reports', () => {
  it('the team reads a conversation only once reported, told that the read is logged (phone, French)', async () => {
    const writer = await browserFor(lea, 'fr-FR');
    const started = await writer.request.post(`${site.url}/api/conversations`, {
      data: { recipients: ['hugo_trail'], subject: 'Arrête de me relancer', body: 'Je t’ai déjà répondu non.' },
      headers: { origin: site.url },
    });
    expect(started.status()).toBe(201);
    const { conversationId } = (await started.json()) as { conversationId: number };
    const staff = await browserFor(moderator, 'fr-FR', PHONE);
    const page = await staff.newPage();
    await page.goto(`${site.url}/messages/${conversationId}`);
    await page
      .getByText('Conversation privée : l’équipe ne la lit que si l’un de ses participants la signale.')
      .waitFor();

    const reporter = await browserFor(hugo, 'fr-FR');
    const conversation = await reporter.newPage();
    await conversation.goto(`${site.url}/messages/${conversationId}`);
    await conversation.getByRole('button', { name: 'Signaler' }).click();
    await conversation.getByRole('radio', { name: 'Harcèlement' }).check();
    await conversation.getByLabel('Précisez (facultatif)').fill('Elle insiste tous les jours.');
    await shot(conversation, 'messages-report-dialog-laptop-fr');
    await conversation.getByRole('dialog').getByRole('button', { name: 'Signaler' }).click();
    await conversation.getByText('Conversation signalée : l’équipe peut maintenant la lire.').waitFor();

    // The report waits in the moderation queue: why, the reporter's words, who; the conversation opens from there.
    await page.goto(`${site.url}/moderation`);
    const reported = page.getByRole('region', { name: 'Conversations privées signalées' });
    await reported.getByText('Harcèlement').waitFor();
    await reported.getByText('Elle insiste tous les jours.').waitFor();
    await reported.getByText(`par ${hugo.display_name}`).waitFor();
    await shot(page, 'moderation-reported-conversation-phone-fr');
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(360);
    await reported.getByRole('link', { name: 'Lire la conversation' }).click();
    await page
      .getByText('Vous lisez une conversation privée signalée. Cette lecture est enregistrée dans le journal.')
      .waitFor();
    await page.getByText('Je t’ai déjà répondu non.').waitFor();
    await page.getByText('Elle insiste tous les jours.', { exact: false }).waitFor();
    await shot(page, 'messages-reported-phone-fr');
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(360);
    const audit = await site.db
      .selectFrom('audit_log')
      .select('actor_id')
      .where('action', '=', 'conversation.read')
      .where('subject_id', '=', String(conversationId))
      .execute();
    expect(audit.map((a) => a.actor_id)).toEqual([moderator.id]);
    await writer.close();
    await staff.close();
    await reporter.close();

    // Another moderator, on a laptop in English, marks it handled: it leaves the queue (audited).
    const second = await createMember(site.db, { username: 'modo_sam', role: 'moderator' });
    const laptop = await browserFor(second, 'en-GB');
    const queue = await laptop.newPage();
    await queue.goto(`${site.url}/moderation`);
    await queue.evaluate("localStorage.setItem('agora.locale', 'en')");
    await queue.reload();
    const section = queue.getByRole('region', { name: 'Reported private conversations' });
    await section.getByText('Harassment').waitFor();
    await section.getByRole('link', { name: 'Arrête de me relancer' }).waitFor();
    await shot(queue, 'moderation-reported-conversation-laptop-en');
    // The header counts the conversation with the posts waiting.
    const waiting = async () => {
      const text = await queue.locator('header.head p.muted').innerText();
      return /Nothing waiting/.test(text) ? 0 : Number(/(\d+) items? waiting/.exec(text)?.[1]);
    };
    const before = await waiting();
    expect(before).toBeGreaterThanOrEqual(1);
    await section.getByRole('button', { name: 'Mark as handled' }).click();
    await section.waitFor({ state: 'detached' });
    expect(await waiting()).toBe(before - 1);
    const settled = await site.db
      .selectFrom('audit_log')
      .select('actor_id')
      .where('action', '=', 'conversation.reports_settled')
      .where('subject_id', '=', String(conversationId))
      .execute();
    expect(settled.map((a) => a.actor_id)).toEqual([second.id]);
    await laptop.close();
  });
});

describe('invitations', () => {
  it('a member creates a link that registers someone while registration is by invitation only', async () => {
    const staff = await browserFor(admin, 'fr-FR');
    const setting = await staff.request.put(`${site.url}/api/admin/settings`, {
      data: { registration: 'invite' },
      headers: { origin: site.url },
    });
    expect(setting.status()).toBe(200);
    const context = await browserFor(lea, 'en-GB');
    const page = await context.newPage();
    await page.goto(`${site.url}/invitations`);
    await page.evaluate("localStorage.setItem('agora.locale', 'en')");
    await page.reload();
    await page.getByRole('button', { name: 'Create the invitation' }).click();
    const link = await page.getByRole('textbox', { name: 'Invitation link (shown once):' }).inputValue();
    expect(link).toContain('/register?invitation=');
    await shot(page, 'invitations-laptop-en');
    await context.close();

    const visitor = await site.browser.newContext({ locale: 'fr-FR', viewport: PHONE, isMobile: true, hasTouch: true });
    const join = await visitor.newPage();
    await join.goto(link.replace(/^https?:\/\/[^/]+/, site.url));
    await join.getByText('lea_rando vous invite à rejoindre la communauté.').waitFor();
    await join.getByLabel("Nom d'utilisateur").fill('nouvelle_amie');
    await join.getByLabel('Adresse e-mail').fill('nouvelle.amie@example.test');
    await join.getByLabel('Mot de passe').fill('une phrase de passe bien longue');
    await join.getByRole('checkbox').check();
    await shot(join, 'invitations-register-phone-fr');
    await join.getByRole('button', { name: 'Créer mon compte' }).click();
    await join.waitForURL(`${site.url}/`);
    const joined = await site.db
      .selectFrom('members')
      .select('invited_by_id')
      .where('username', '=', 'nouvelle_amie')
      .executeTakeFirstOrThrow();
    expect(joined.invited_by_id).toBe(lea.id);
    await visitor.close();

    const list = await staff.newPage();
    await list.goto(`${site.url}/invitations`);
    await list.getByText('Inscrits : @nouvelle_amie').waitFor();
    await shot(list, 'invitations-admin-laptop-fr');
    await staff.close();
  });
});

describe('ignoring a member', () => {
  for (const [locale, viewport, words] of [
    [
      'fr-FR',
      PHONE,
      {
        ignore: 'Ignorer ce membre',
        collapsed: /que vous ignorez/,
        show: 'Afficher quand même',
        undo: 'Ne plus ignorer',
      },
    ],
    [
      'en-GB',
      LAPTOP,
      { ignore: 'Ignore this member', collapsed: /whom you ignore/, show: 'Show anyway', undo: 'Stop ignoring' },
    ],
  ] as const) {
    it(`collapses their posts, shows them on demand, and is undone in the account page (${locale})`, async () => {
      const context = await browserFor(lea, locale, viewport);
      const page = await context.newPage();
      await page.goto(`${site.url}/u/hugo_trail`);
      if (locale === 'en-GB') {
        await page.evaluate("localStorage.setItem('agora.locale', 'en')");
        await page.reload();
      }
      await page.getByRole('button', { name: words.ignore }).click();
      await page.getByRole('button', { name: words.undo }).waitFor();
      await page.goto(`${site.url}/t/${threadId}`);
      await page.getByText(words.collapsed).waitFor();
      expect(await page.getByText('Le 38 L de la gamme trek').count()).toBe(0);
      await shot(page, `ignore-thread-${viewport === PHONE ? 'phone' : 'laptop'}-${locale}`);
      await page.getByRole('button', { name: words.show }).click();
      await page.getByText('Le 38 L de la gamme trek').waitFor();
      await page.goto(`${site.url}/account`);
      await page.getByRole('link', { name: 'hugo_trail' }).first().waitFor();
      await shot(page, `ignore-account-${viewport === PHONE ? 'phone' : 'laptop'}-${locale}`);
      await page.getByRole('button', { name: words.undo }).click();
      await page.getByRole('link', { name: 'hugo_trail' }).waitFor({ state: 'detached' });
      await context.close();
    });
  }
});
