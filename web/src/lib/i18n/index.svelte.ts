import { browser } from '../env.ts';
import { format } from './formatters.ts';
import type { fr } from './fr.ts';

export type Locale = 'fr' | 'en';
type Plural = { zero?: string; one: string; other: string };
type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Plural };
export type Messages = Shape<typeof fr>;
export type MessageKey = keyof Messages;

/**
 * The dictionaries loaded so far. Each language is its own chunk (the two literal imports below), so a reader
 * downloads and parses only theirs: main.ts loads it before the app hydrates or mounts, the server's renderer
 * before it renders (entry-server.ts), and `i18n.set` before it switches.
 */
const dictionaries: Partial<Record<Locale, Messages>> = {};
const loading: Partial<Record<Locale, Promise<void>>> = {};
const STORAGE_KEY = 'agora.locale';

/** Loads a language's dictionary once (later calls share the first one's promise). */
export function loadMessages(locale: Locale): Promise<void> {
  if (dictionaries[locale]) return Promise.resolve();
  return (loading[locale] ??= (
    locale === 'en' ? import('./en.ts').then((m) => m.en) : import('./fr.ts').then((m) => m.fr)
  ).then(
    (messages: Messages) => {
      dictionaries[locale] = messages;
    },
    (err: unknown) => {
      // A failed download (a new deployment, the network) may be retried by the next call.
      delete loading[locale];
      throw err;
    },
  ));
}

/**
 * Stored choice, else the browser's first French or English preference, else the community's default. A page
 * the server rendered starts in the language it was rendered in (main.ts), the server having read the same
 * choice from the `agora.locale` cookie or the browser's Accept-Language.
 */
export function preferredLocale(): Locale {
  if (!browser) return 'fr';
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'fr' || stored === 'en') return stored;
  for (const lang of navigator.languages) {
    if (lang.toLowerCase().startsWith('fr')) return 'fr';
    if (lang.toLowerCase().startsWith('en')) return 'en';
  }
  return 'fr';
}

class I18n {
  /**
   * Set before anything renders: main.ts gives it the server-rendered page's language or `preferredLocale()`,
   * the server renderer the request's. Not read from storage here: a browser's first read of localStorage is a
   * request to its main process (3 to 20 ms on our machines), which a server-rendered page does not need to wait
   * for before showing itself.
   */
  locale = $state<Locale>('fr');
  /** The language last asked for through `set`, so that a slower earlier download does not win. */
  #wanted: Locale | null = null;

  /** The current language's dictionary (every language has the same keys): `key in i18n.messages`. */
  get messages(): Messages {
    return dictionaries[this.locale] ?? ({} as Messages);
  }

  /** Switches language once its dictionary is here; remembered in this browser and told to the server. */
  async set(locale: Locale): Promise<void> {
    this.#wanted = locale;
    await loadMessages(locale);
    if (this.#wanted !== locale) return;
    this.locale = locale;
    localStorage.setItem(STORAGE_KEY, locale);
    // The server renders the next page in this language too.
    document.cookie = `${STORAGE_KEY}=${locale}; path=/; max-age=31536000; samesite=lax`;
    document.documentElement.lang = locale;
  }

  /** A message with {placeholders}; pass `n` for plurals. */
  t = (key: MessageKey, params: Record<string, string | number> = {}): string => {
    // Without its dictionary (never expected: it is loaded before anything renders) the key says what is missing.
    const entry = dictionaries[this.locale]?.[key] ?? key;
    let text: string;
    if (typeof entry === 'string') text = entry;
    else {
      const n = Number(params.n ?? 0);
      const rule = format.plural(this.locale, n);
      text = (n === 0 && entry.zero) || (rule === 'one' ? entry.one : entry.other);
    }
    // Numbers read as the language writes them (« 1 234 », "1,234").
    return text.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = params[name];
      if (typeof value === 'number' && Number.isFinite(value)) return this.number(value);
      return String(value ?? `{${name}}`);
    });
  };

  relative = (iso: string): string => {
    const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
    const relative = (value: number, unit: Intl.RelativeTimeFormatUnit) => format.relative(this.locale, value, unit);
    const abs = Math.abs(seconds);
    if (abs < 60) return relative(Math.round(seconds), 'second');
    if (abs < 3600) return relative(Math.round(seconds / 60), 'minute');
    if (abs < 86400) return relative(Math.round(seconds / 3600), 'hour');
    if (abs < 86400 * 30) return relative(Math.round(seconds / 86400), 'day');
    return this.date(iso);
  };

  date = (iso: string, long = false): string => format.date(this.locale, iso, long);

  number = (n: number): string => format.number(this.locale, n);

  percent = (ratio: number): string => format.percent(this.locale, ratio);
}

export const i18n = new I18n();
export const t = i18n.t;
