import { randomUUID } from 'node:crypto';
import type { Locale } from '../../db/types.ts';

/**
 * The one layout of every message: an HTML part with its CSS inline (mail clients drop <style> blocks and
 * external sheets; writing the styles on the elements here does what `juice` would do afterwards, without a
 * dependency — juice 12 needs Node 22) and a plain-text part saying the same. Links are absolute.
 */
export interface MailBlock {
  /** Paragraphs of plain text (escaped here). */
  paragraphs: string[];
  /** The message's main link, as a button. */
  action?: { label: string; url: string };
  /** A list of linked items (threads in a digest, notifications grouped). */
  items?: { title: string; url: string; meta?: string }[];
  /** Ready HTML (a newsletter's sanitized Markdown), with its own text version. */
  html?: { html: string; text: string };
}

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

export interface Layout {
  locale: Locale;
  community: string;
  base: string;
  subject: string;
  heading: string;
  body: MailBlock;
  /** Why the member gets this, and (bulk mail) the unsubscribe link. */
  footer: string;
  unsubscribe?: { label: string; url: string };
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const STYLE = {
  body: `margin:0;padding:0;background:#f4f5f7;${FONT};color:#1f2430`,
  card: 'max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:28px 28px 20px',
  brand: 'font-size:14px;font-weight:600;color:#3b6ef5;text-decoration:none',
  h1: 'font-size:20px;line-height:1.3;margin:16px 0 12px;color:#1f2430',
  p: 'font-size:15px;line-height:1.55;margin:0 0 14px',
  button:
    'display:inline-block;background:#3b6ef5;color:#ffffff;text-decoration:none;font-weight:600;padding:11px 20px;border-radius:6px;font-size:15px',
  item: 'padding:10px 0;border-top:1px solid #e6e8ec',
  itemLink: 'color:#1f2430;font-weight:600;text-decoration:none;font-size:15px',
  meta: 'color:#5b6270;font-size:13px;margin-top:2px',
  footer: 'max-width:560px;margin:0 auto;padding:16px 28px 32px;font-size:12px;line-height:1.5;color:#5b6270',
  footerLink: 'color:#5b6270',
};

export function render(layout: Layout): MailContent {
  const { body } = layout;
  // French sets a space before a colon.
  const colon = layout.locale === 'fr' ? ' : ' : ': ';
  const html: string[] = [];
  const text: string[] = [layout.heading, ''];
  for (const p of body.paragraphs) {
    html.push(`<p style="${STYLE.p}">${escape(p).replace(/\n/g, '<br>')}</p>`);
    text.push(p, '');
  }
  if (body.html) {
    html.push(`<div style="${STYLE.p}">${body.html.html}</div>`);
    text.push(body.html.text, '');
  }
  if (body.items?.length) {
    html.push('<div style="margin:8px 0 16px">');
    for (const item of body.items) {
      html.push(
        `<div style="${STYLE.item}"><a href="${escape(item.url)}" style="${STYLE.itemLink}">${escape(item.title)}</a>` +
          (item.meta ? `<div style="${STYLE.meta}">${escape(item.meta)}</div>` : '') +
          '</div>',
      );
      text.push(`- ${item.title}${item.meta ? ` (${item.meta})` : ''}`, `  ${item.url}`);
    }
    html.push('</div>');
    text.push('');
  }
  if (body.action) {
    html.push(
      `<p style="margin:20px 0 18px"><a href="${escape(body.action.url)}" style="${STYLE.button}">${escape(body.action.label)}</a></p>`,
    );
    text.push(`${body.action.label}${colon}${body.action.url}`, '');
  }
  const footer = [`<div style="${STYLE.footer}">${escape(layout.footer)}`];
  text.push('--', layout.footer);
  if (layout.unsubscribe) {
    footer.push(
      `<br><a href="${escape(layout.unsubscribe.url)}" style="${STYLE.footerLink}">${escape(layout.unsubscribe.label)}</a>`,
    );
    text.push(`${layout.unsubscribe.label}${colon}${layout.unsubscribe.url}`);
  }
  footer.push('</div>');
  const document =
    `<!DOCTYPE html><html lang="${layout.locale}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><title>${escape(layout.subject)}</title></head>` +
    `<body style="${STYLE.body}"><div style="padding:24px 12px">` +
    `<div style="${STYLE.card}"><a href="${escape(layout.base)}/" style="${STYLE.brand}">${escape(layout.community)}</a>` +
    `<h1 style="${STYLE.h1}">${escape(layout.heading)}</h1>${html.join('')}</div>${footer.join('')}</div></body></html>`;
  return { subject: layout.subject, text: `${text.join('\n').trim()}\n`, html: document };
}

/** The domain of the From address, for Message-IDs (`<…@domain>`), so that they are ours and unique. */
export function mailDomain(from: string): string {
  const match = /@([^>\s]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'agora.invalid';
}

/** A fresh Message-ID; `stable` gives the one a thread's mails share (their References point at it). */
export const messageIds = (from: string) => {
  const domain = mailDomain(from);
  return {
    fresh: (kind: string) => `<${kind}.${randomUUID()}@${domain}>`,
    thread: (threadId: number) => `<thread-${threadId}@${domain}>`,
  };
};
