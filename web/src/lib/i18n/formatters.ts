/**
 * One `Intl` formatter per language and options, made on first use and kept: building one costs far more than
 * using it, and a page of threads formats hundreds of numbers and dates while it hydrates (and on the server,
 * while it renders).
 */
function cached<T>(make: (locale: string, variant: string) => T): (locale: string, variant?: string) => T {
  const made = new Map<string, T>();
  return (locale, variant = '') => {
    const key = `${locale}:${variant}`;
    let formatter = made.get(key);
    if (!formatter) made.set(key, (formatter = make(locale, variant)));
    return formatter;
  };
}

export const plurals = cached((locale) => new Intl.PluralRules(locale));
export const numbers = cached((locale) => new Intl.NumberFormat(locale));
export const relatives = cached((locale) => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }));
/** `variant`: 'long' (date and time), else a medium date. */
export const dates = cached(
  (locale, variant) =>
    new Intl.DateTimeFormat(
      locale,
      variant === 'long' ? { dateStyle: 'long', timeStyle: 'short' } : { dateStyle: 'medium' },
    ),
);

/** Percentages (a poll's shares). */
export const percents = cached((locale) => new Intl.NumberFormat(locale, { style: 'percent' }));

/**
 * Text the server formatted while rendering a page, handed to the browser's hydration: the browser's first `Intl`
 * formatter loads its locale data (25 to 50 ms of main-thread work on our machines, once per page load), and a
 * page that hydrates with the server's own figures and dates needs none. Keyed by what was formatted, so that a
 * value the server did not format (a newer reply, a later relative time, a date in another time zone) is formatted
 * by the browser as before.
 */
const seeded = new Map<string, string>();
let recording: Map<string, string> | null = null;

function remembered(key: string, format: () => string): string {
  const known = seeded.get(key);
  if (known !== undefined) return known;
  const text = format();
  recording?.set(key, text);
  return text;
}

/** The browser, before hydrating: the texts the server recorded (`recordFormats`). */
export function seedFormats(formats: Record<string, string> | undefined): void {
  for (const [key, text] of Object.entries(formats ?? {})) if (typeof text === 'string') seeded.set(key, text);
}

/** The server: runs a (synchronous) render and returns what it formatted, for the page's state. */
export function recordFormats<T>(render: () => T): { result: T; formats: Record<string, string> } {
  const previous = recording;
  const record = (recording = new Map());
  try {
    return { result: render(), formats: Object.fromEntries(record) };
  } finally {
    recording = previous;
  }
}

/**
 * The formatting the app does, each by its language: what the server recorded is reused, anything else goes to
 * the `Intl` formatters above. A date's key carries its offset from UTC where it is formatted (no `Intl` needed to
 * know it), so that a browser in another time zone than the server's formats its own.
 */
export const format = {
  number: (locale: string, n: number) => remembered(`n|${locale}|${n}`, () => numbers(locale).format(n)),
  percent: (locale: string, ratio: number) => remembered(`%|${locale}|${ratio}`, () => percents(locale).format(ratio)),
  plural: (locale: string, n: number) => remembered(`p|${locale}|${n}`, () => plurals(locale).select(n)),
  relative: (locale: string, value: number, unit: Intl.RelativeTimeFormatUnit) =>
    remembered(`r|${locale}|${value}|${unit}`, () => relatives(locale).format(value, unit)),
  date: (locale: string, iso: string, long: boolean) => {
    const when = new Date(iso);
    const variant = long ? 'long' : 'medium';
    return remembered(`d|${locale}|${variant}|${iso}|${when.getTimezoneOffset()}`, () =>
      dates(locale, variant).format(when),
    );
  },
};
