import type { Locale } from '../../db/types.ts';
import { type MailContent, render } from './compose.ts';

/** An invitation to join, sent by a member to an address (in the inviter's language: the recipient has none yet). */
const WORDS: Record<
  Locale,
  (v: { community: string; inviter: string; days: string }) => {
    subject: string;
    heading: string;
    paragraphs: string[];
    action: string;
    footer: string;
  }
> = {
  fr: (v) => ({
    subject: `${v.inviter} vous invite à rejoindre ${v.community}`,
    heading: `Rejoignez ${v.community}`,
    paragraphs: [
      `${v.inviter} vous invite à rejoindre la communauté ${v.community} : posez vos questions, partagez vos astuces, échangez avec les autres membres.`,
      `Ce lien d’invitation est valable ${v.days} jours.`,
    ],
    action: 'Accepter l’invitation',
    footer: `Message envoyé par ${v.community} à la demande de ${v.inviter}. Si vous ne le connaissez pas, ignorez ce message : vous n’en recevrez pas d’autre.`,
  }),
  en: (v) => ({
    subject: `${v.inviter} invites you to join ${v.community}`,
    heading: `Join ${v.community}`,
    paragraphs: [
      `${v.inviter} invites you to join the ${v.community} community: ask your questions, share your tips, talk with the other members.`,
      `This invitation link is valid for ${v.days} days.`,
    ],
    action: 'Accept the invitation',
    footer: `Sent by ${v.community} at the request of ${v.inviter}. If you do not know them, ignore this message: you will get no other.`,
  }),
};

export function invitationMail(input: {
  locale: Locale;
  community: string;
  base: string;
  url: string;
  inviter: string;
  days: number;
}): MailContent {
  const words = WORDS[input.locale]({ community: input.community, inviter: input.inviter, days: String(input.days) });
  return render({
    locale: input.locale,
    community: input.community,
    base: input.base,
    subject: words.subject,
    heading: words.heading,
    body: { paragraphs: words.paragraphs, action: { label: words.action, url: input.url } },
    footer: words.footer,
  });
}
