import type { Locale } from '../../db/types.ts';
import { type MailContent, render } from './compose.ts';

/** Styles written on the newsletter's own elements (mail clients ignore style sheets). */
const INLINE: Record<string, string> = {
  p: 'font-size:15px;line-height:1.55;margin:0 0 14px',
  a: 'color:#3b6ef5',
  h1: 'font-size:20px;margin:20px 0 10px',
  h2: 'font-size:18px;margin:20px 0 10px',
  h3: 'font-size:16px;margin:16px 0 8px',
  blockquote: 'margin:0 0 14px;padding:4px 12px;border-left:3px solid #d0d4dc;color:#5b6270',
  ul: 'margin:0 0 14px;padding-left:22px',
  ol: 'margin:0 0 14px;padding-left:22px',
  li: 'margin:0 0 4px;line-height:1.5',
  img: 'max-width:100%;height:auto',
  code: 'font-family:Menlo,Consolas,monospace;font-size:13px;background:#f4f5f7;padding:1px 4px;border-radius:3px',
  pre: 'background:#f4f5f7;padding:10px;border-radius:6px;overflow:auto;font-size:13px',
};

/**
 * The newsletter's cooked (sanitized) HTML made ready for mail: each element styled inline, and links and images
 * that point inside the site made absolute (a mail has no base address).
 */
export function inlineForMail(html: string, base: string): string {
  return html
    .replace(/<(p|a|h1|h2|h3|blockquote|ul|ol|li|img|code|pre)(\s[^>]*)?>/g, (_m, tag: string, attrs = '') => {
      const style = INLINE[tag]!;
      return `<${tag}${attrs} style="${style}">`;
    })
    .replace(/(href|src)="\/(?!\/)/g, `$1="${base}/`);
}

const FOOTER = {
  fr: (c: string) => `Vous recevez la lettre d’information de la communauté ${c} parce que vous vous y êtes inscrit.`,
  en: (c: string) => `You get the ${c} newsletter because you subscribed to it.`,
};
const TEST = { fr: '[Essai] ', en: '[Test] ' };

export function newsletterMail(input: {
  locale: Locale;
  community: string;
  base: string;
  subject: string;
  html: string;
  markdown: string;
  unsubscribe: { label: string; url: string };
  test?: boolean;
}): MailContent {
  return render({
    locale: input.locale,
    community: input.community,
    base: input.base,
    subject: `${input.test ? TEST[input.locale] : ''}${input.subject}`,
    heading: input.subject,
    body: { paragraphs: [], html: { html: inlineForMail(input.html, input.base), text: input.markdown } },
    footer: FOOTER[input.locale](input.community),
    unsubscribe: input.unsubscribe,
  });
}
