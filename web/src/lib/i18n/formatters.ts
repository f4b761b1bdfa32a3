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

/**
 * Makes the formatters a page of threads uses, with a first use of each: the browser's first `Intl` formatter
 * loads its locale data (25 to 50 ms of main-thread work on our machines), which, left to hydration, made its
 * one long task that much longer. main.ts calls this in a task of its own, before hydrating.
 */
export function warmFormatters(locale: string): void {
  numbers(locale).format(1000);
  plurals(locale).select(2);
  relatives(locale).format(-1, 'day');
  dates(locale).format(0);
}
