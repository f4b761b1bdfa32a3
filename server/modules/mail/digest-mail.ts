import type { Locale } from '../../db/types.ts';
import { type MailContent, render } from './compose.ts';

export type DigestPeriod = 'daily' | 'weekly';

const WORDS = {
  fr: {
    subject: (c: string, p: DigestPeriod) =>
      `[${c}] ${p === 'daily' ? 'Les discussions du jour' : 'Les discussions de la semaine'}`,
    heading: (p: DigestPeriod) => (p === 'daily' ? 'Ce qui s’est dit aujourd’hui' : 'Ce qui s’est dit cette semaine'),
    intro: (name: string) => `Bonjour ${name}, voici les sujets les plus actifs depuis votre dernière visite.`,
    meta: (category: string, n: number) => `${category} · ${n} ${n > 1 ? 'nouveaux messages' : 'nouveau message'}`,
    open: 'Ouvrir le forum',
    footer: (c: string) => `Vous recevez ce résumé parce que vous l’avez demandé sur ${c}.`,
  },
  en: {
    subject: (c: string, p: DigestPeriod) =>
      `[${c}] ${p === 'daily' ? 'Today’s discussions' : 'This week’s discussions'}`,
    heading: (p: DigestPeriod) => (p === 'daily' ? 'What was said today' : 'What was said this week'),
    intro: (name: string) => `Hello ${name}, here are the most active topics since your last visit.`,
    meta: (category: string, n: number) => `${category} · ${n} new ${n > 1 ? 'posts' : 'post'}`,
    open: 'Open the forum',
    footer: (c: string) => `You get this summary because you asked for it on ${c}.`,
  },
};

export function digestMail(input: {
  locale: Locale;
  community: string;
  base: string;
  period: DigestPeriod;
  name: string;
  threads: { id: number; title: string; category: string; posts: number }[];
  unsubscribe: { label: string; url: string };
}): MailContent {
  const w = WORDS[input.locale];
  return render({
    locale: input.locale,
    community: input.community,
    base: input.base,
    subject: w.subject(input.community, input.period),
    heading: w.heading(input.period),
    body: {
      paragraphs: [w.intro(input.name)],
      items: input.threads.map((t) => ({
        title: t.title,
        url: `${input.base}/t/${t.id}`,
        meta: w.meta(t.category, t.posts),
      })),
      action: { label: w.open, url: `${input.base}/` },
    },
    footer: w.footer(input.community),
    unsubscribe: input.unsubscribe,
  });
}
