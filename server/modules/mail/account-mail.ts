import type { Locale } from '../../db/types.ts';
import { type MailContent, render } from './compose.ts';

/** The account messages (reset, verification, address change), in French and English. */
export type AccountMailKind = 'password.reset' | 'email.verify' | 'email.change' | 'email.changed' | 'password.changed';

interface Words {
  subject: string;
  heading: string;
  paragraphs: string[];
  action?: string;
}

const WORDS: Record<Locale, Record<AccountMailKind, (v: Record<string, string>) => Words>> = {
  fr: {
    'password.reset': (v) => ({
      subject: `Réinitialiser votre mot de passe sur ${v.community}`,
      heading: 'Choisissez un nouveau mot de passe',
      paragraphs: [
        `Bonjour ${v.name}, quelqu'un (vous, espérons-le) a demandé à réinitialiser le mot de passe du compte ${v.username}.`,
        'Ce lien sert une seule fois et expire dans une heure. Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : votre mot de passe ne change pas.',
      ],
      action: 'Choisir un nouveau mot de passe',
    }),
    'email.verify': (v) => ({
      subject: `Confirmez votre adresse e-mail sur ${v.community}`,
      heading: 'Confirmez votre adresse e-mail',
      paragraphs: [
        `Bienvenue ${v.name} ! Confirmez que cette adresse est bien la vôtre pour recevoir les e-mails de la communauté et pouvoir récupérer votre compte.`,
        'Ce lien est valable trois jours.',
      ],
      action: 'Confirmer mon adresse',
    }),
    'email.change': (v) => ({
      subject: `Confirmez votre nouvelle adresse e-mail sur ${v.community}`,
      heading: 'Confirmez votre nouvelle adresse',
      paragraphs: [
        `Bonjour ${v.name}, le compte ${v.username} souhaite utiliser désormais cette adresse. Elle ne remplace l’ancienne qu’une fois confirmée.`,
        'Ce lien est valable trois jours. Si vous n’avez rien demandé, ignorez ce message.',
      ],
      action: 'Confirmer la nouvelle adresse',
    }),
    'email.changed': (v) => ({
      subject: `L’adresse e-mail de votre compte ${v.community} a changé`,
      heading: 'Votre adresse e-mail a changé',
      paragraphs: [
        `Bonjour ${v.name}, l’adresse du compte ${v.username} est maintenant ${v.email}. Les messages du forum ne seront plus envoyés ici.`,
        'Si vous n’êtes pas à l’origine de ce changement, réinitialisez votre mot de passe et contactez l’équipe du forum.',
      ],
      action: 'Réinitialiser mon mot de passe',
    }),
    'password.changed': (v) => ({
      subject: `Le mot de passe de votre compte ${v.community} a changé`,
      heading: 'Votre mot de passe a changé',
      paragraphs: [
        `Bonjour ${v.name}, le mot de passe du compte ${v.username} vient d’être changé et les autres sessions ont été fermées.`,
        'Si vous n’êtes pas à l’origine de ce changement, réinitialisez votre mot de passe.',
      ],
      action: 'Réinitialiser mon mot de passe',
    }),
  },
  en: {
    'password.reset': (v) => ({
      subject: `Reset your password on ${v.community}`,
      heading: 'Choose a new password',
      paragraphs: [
        `Hello ${v.name}, someone (you, we hope) asked to reset the password of the account ${v.username}.`,
        'This link works once and expires in one hour. If you did not ask for it, ignore this message: your password stays as it is.',
      ],
      action: 'Choose a new password',
    }),
    'email.verify': (v) => ({
      subject: `Confirm your e-mail address on ${v.community}`,
      heading: 'Confirm your e-mail address',
      paragraphs: [
        `Welcome ${v.name}! Confirm that this address is yours to receive the community's e-mails and to be able to recover your account.`,
        'This link is valid for three days.',
      ],
      action: 'Confirm my address',
    }),
    'email.change': (v) => ({
      subject: `Confirm your new e-mail address on ${v.community}`,
      heading: 'Confirm your new address',
      paragraphs: [
        `Hello ${v.name}, the account ${v.username} wants to use this address from now on. It replaces the old one only once confirmed.`,
        'This link is valid for three days. If you asked for nothing, ignore this message.',
      ],
      action: 'Confirm the new address',
    }),
    'email.changed': (v) => ({
      subject: `The e-mail address of your ${v.community} account changed`,
      heading: 'Your e-mail address changed',
      paragraphs: [
        `Hello ${v.name}, the address of the account ${v.username} is now ${v.email}. The forum's messages will no longer come here.`,
        'If you did not make this change, reset your password and contact the forum team.',
      ],
      action: 'Reset my password',
    }),
    'password.changed': (v) => ({
      subject: `The password of your ${v.community} account changed`,
      heading: 'Your password changed',
      paragraphs: [
        `Hello ${v.name}, the password of the account ${v.username} was just changed and the other sessions were closed.`,
        'If you did not make this change, reset your password.',
      ],
      action: 'Reset my password',
    }),
  },
};

const FOOTER: Record<Locale, (community: string) => string> = {
  fr: (c) => `Message envoyé par ${c} au sujet de votre compte. Vous ne pouvez pas vous désabonner de ces messages-là.`,
  en: (c) => `Sent by ${c} about your account. These messages cannot be unsubscribed from.`,
};

export function accountMail(
  kind: AccountMailKind,
  input: {
    locale: Locale;
    community: string;
    base: string;
    url: string;
    member: { username: string; display_name: string };
    email?: string;
  },
): MailContent {
  const words = WORDS[input.locale][kind]({
    community: input.community,
    name: input.member.display_name || input.member.username,
    username: input.member.username,
    email: input.email ?? '',
  });
  return render({
    locale: input.locale,
    community: input.community,
    base: input.base,
    subject: words.subject,
    heading: words.heading,
    body: { paragraphs: words.paragraphs, action: words.action ? { label: words.action, url: input.url } : undefined },
    footer: FOOTER[input.locale](input.community),
  });
}
