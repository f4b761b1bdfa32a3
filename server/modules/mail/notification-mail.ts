import type { Locale } from '../../db/types.ts';
import { type MailContent, render } from './compose.ts';

/** One notification as the mail tells it. */
export interface MailedNotification {
  kind: string;
  count: number;
  data: {
    threadTitle?: string;
    number?: number;
    by?: { username: string; displayName: string };
    status?: string;
    reason?: string;
    note?: string;
    until?: string;
  };
  url: string;
  excerpt?: string;
}

const IDEA_STATUS: Record<Locale, Record<string, string>> = {
  fr: { new: 'nouvelle', under_review: 'à l’étude', planned: 'prévue', shipped: 'livrée', declined: 'écartée' },
  en: { new: 'new', under_review: 'under review', planned: 'planned', shipped: 'shipped', declined: 'declined' },
};

const name = (n: MailedNotification) => {
  const by = n.data.by;
  if (!by) return '';
  const shown = by.displayName?.trim() || by.username;
  return shown === by.username ? shown : `${shown} (@${by.username})`;
};

/** Each kind in one sentence; the wording follows the bell's (web/src/lib/i18n/*.community.ts). */
const LINE: Record<Locale, (n: MailedNotification) => string> = {
  fr: (n) => {
    const thread = n.data.threadTitle ?? '';
    switch (n.kind) {
      case 'reply':
        return `${name(n)} a répondu dans « ${thread} »`;
      case 'quote':
        return `${name(n)} vous a cité dans « ${thread} »`;
      case 'mention':
        return `${name(n)} vous a mentionné dans « ${thread} »`;
      case 'message':
        return `${name(n)} vous a écrit en privé : « ${thread} »`;
      case 'answer.accepted':
        return `Votre réponse a été acceptée dans « ${thread} »`;
      case 'idea.status':
        return `L’idée « ${thread} » est maintenant : ${IDEA_STATUS.fr[n.data.status ?? ''] ?? n.data.status}${n.data.note ? ` — ${n.data.note}` : ''}`;
      case 'moderation.approved':
        return `Votre message dans « ${thread} » est publié`;
      case 'moderation.rejected':
        return `Votre message dans « ${thread} » n’a pas été publié${n.data.note ? ` : ${n.data.note}` : ''} (vous pouvez le corriger)`;
      case 'sanction.warned':
        return `Un modérateur vous adresse un avertissement : ${n.data.reason ?? ''}`;
      case 'sanction.suspended':
        return `Votre compte est suspendu jusqu’au ${n.data.until ? new Date(n.data.until).toLocaleString('fr-FR', { timeZone: 'UTC' }) + ' UTC' : '…'} : ${n.data.reason ?? ''}`;
      case 'sanction.banned':
        return `Votre compte est banni : ${n.data.reason ?? ''}`;
      case 'sanction.reinstated':
        return 'La mesure prise sur votre compte est levée : vous pouvez de nouveau publier';
      default:
        return 'Nouvelle notification';
    }
  },
  en: (n) => {
    const thread = n.data.threadTitle ?? '';
    switch (n.kind) {
      case 'reply':
        return `${name(n)} replied in “${thread}”`;
      case 'quote':
        return `${name(n)} quoted you in “${thread}”`;
      case 'mention':
        return `${name(n)} mentioned you in “${thread}”`;
      case 'message':
        return `${name(n)} sent you a private message: “${thread}”`;
      case 'answer.accepted':
        return `Your answer was accepted in “${thread}”`;
      case 'idea.status':
        return `The idea “${thread}” is now: ${IDEA_STATUS.en[n.data.status ?? ''] ?? n.data.status}${n.data.note ? ` — ${n.data.note}` : ''}`;
      case 'moderation.approved':
        return `Your post in “${thread}” is published`;
      case 'moderation.rejected':
        return `Your post in “${thread}” was not published${n.data.note ? `: ${n.data.note}` : ''} (you can correct it)`;
      case 'sanction.warned':
        return `A moderator warns you: ${n.data.reason ?? ''}`;
      case 'sanction.suspended':
        return `Your account is suspended until ${n.data.until ? new Date(n.data.until).toUTCString() : '…'}: ${n.data.reason ?? ''}`;
      case 'sanction.banned':
        return `Your account is banned: ${n.data.reason ?? ''}`;
      case 'sanction.reinstated':
        return 'The measure on your account is lifted: you can post again';
      default:
        return 'New notification';
    }
  },
};

const WORDS = {
  fr: {
    threadSubject: (community: string, thread: string) => `[${community}] ${thread}`,
    accountSubject: (community: string) => `[${community}] Une décision concerne votre compte`,
    heading: (n: number) => (n > 1 ? `${n} nouveautés pour vous` : 'Du nouveau pour vous'),
    open: 'Voir sur le forum',
    footer: (c: string) =>
      `Vous recevez cet e-mail parce que ${c} vous a notifié et que vous n’avez pas encore vu cette notification sur le site.`,
    prefs: 'Choisir les notifications reçues par e-mail',
  },
  en: {
    threadSubject: (community: string, thread: string) => `[${community}] ${thread}`,
    accountSubject: (community: string) => `[${community}] A decision about your account`,
    heading: (n: number) => (n > 1 ? `${n} new things for you` : 'Something new for you'),
    open: 'See it on the forum',
    footer: (c: string) =>
      `You get this e-mail because ${c} notified you and you have not seen the notification on the site yet.`,
    prefs: 'Choose which notifications you get by e-mail',
  },
};

/** The notifications of one thread (or, without a thread, about the account), in one message. */
export function notificationMail(input: {
  locale: Locale;
  community: string;
  base: string;
  threadTitle?: string;
  items: MailedNotification[];
  prefsUrl: string;
}): MailContent {
  const w = WORDS[input.locale];
  const line = LINE[input.locale];
  const paragraphs = input.items.map((n) => (n.excerpt ? `${line(n)}\n« ${n.excerpt} »` : line(n)));
  return render({
    locale: input.locale,
    community: input.community,
    base: input.base,
    subject: input.threadTitle
      ? w.threadSubject(input.community, input.threadTitle)
      : w.accountSubject(input.community),
    heading: w.heading(input.items.length),
    body: { paragraphs, action: { label: w.open, url: input.items.at(-1)!.url } },
    footer: w.footer(input.community),
    unsubscribe: { label: w.prefs, url: input.prefsUrl },
  });
}
