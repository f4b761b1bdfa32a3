import { stringify } from 'csv-stringify/sync';
import type { IdeaStatus } from '../../db/types.ts';

export type ExportLocale = 'fr' | 'en';

/** What the product teams' spreadsheet reads, in its language: headers, the type and status of each row. */
const WORDS = {
  fr: {
    columns: [
      'N°',
      'Type',
      'Titre',
      'Statut',
      'Votes ou j’aime',
      'Réponses',
      'Catégorie',
      'Auteur',
      'Créé le (UTC)',
      'Statut changé le (UTC)',
      'Note de statut',
      'Lien',
    ],
    idea: 'Idée',
    bug: 'Problème produit',
    status: {
      new: 'Nouvelle',
      under_review: 'À l’étude',
      planned: 'Prévue',
      shipped: 'Livrée',
      declined: 'Écartée',
    },
  },
  en: {
    columns: [
      'No.',
      'Type',
      'Title',
      'Status',
      'Votes or likes',
      'Replies',
      'Category',
      'Author',
      'Created (UTC)',
      'Status changed (UTC)',
      'Status note',
      'Link',
    ],
    idea: 'Idea',
    bug: 'Product problem',
    status: {
      new: 'New',
      under_review: 'Under review',
      planned: 'Planned',
      shipped: 'Shipped',
      declined: 'Declined',
    },
  },
} satisfies Record<ExportLocale, { columns: string[]; idea: string; bug: string; status: Record<IdeaStatus, string> }>;

const two = (n: number) => String(n).padStart(2, '0');

/**
 * A date as the locale's spreadsheet reads a date (not text): « 03/12/2026 14:05 » for a French one,
 * « 2026-12-03 14:05 » for an English one; in UTC, as the header says.
 */
export function spreadsheetDate(date: Date | null, locale: ExportLocale): string {
  if (!date) return '';
  const [y, m, d, h, min] = [
    date.getUTCFullYear(),
    two(date.getUTCMonth() + 1),
    two(date.getUTCDate()),
    two(date.getUTCHours()),
    two(date.getUTCMinutes()),
  ];
  return locale === 'fr' ? `${d}/${m}/${y} ${h}:${min}` : `${y}-${m}-${d} ${h}:${min}`;
}

/** A cell a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with an apostrophe (CSV injection). */
export function csvSafe(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export interface ExportRow {
  id: number;
  kind: string;
  title: string;
  idea_status: IdeaStatus | null;
  vote_count: number;
  score: number;
  reply_count: number;
  name: string;
  username: string;
  created_at: Date;
  idea_status_at: Date | null;
  idea_note: string;
}

/**
 * The ideas and product problems as CSV for a spreadsheet in `locale`: UTF-8 with a BOM, `;` between cells in
 * French (a French spreadsheet's list separator, the comma being its decimal one), absolute links.
 */
export function ideasCsv(rows: ExportRow[], options: { locale: ExportLocale; baseUrl: string }): string {
  const words = WORDS[options.locale];
  const base = options.baseUrl.replace(/\/$/, '');
  const csv = stringify(
    rows.map((r) => {
      const idea = r.kind === 'idea';
      return [
        r.id,
        idea ? words.idea : words.bug,
        csvSafe(r.title),
        idea && r.idea_status ? words.status[r.idea_status] : '',
        idea ? r.vote_count : r.score,
        r.reply_count,
        csvSafe(r.name),
        r.username,
        spreadsheetDate(r.created_at, options.locale),
        idea ? spreadsheetDate(r.idea_status_at, options.locale) : '',
        idea ? csvSafe(r.idea_note) : '',
        `${base}/t/${r.id}`,
      ];
    }),
    { header: true, delimiter: options.locale === 'fr' ? ';' : ',', columns: words.columns },
  );
  return `\uFEFF${csv}`;
}
