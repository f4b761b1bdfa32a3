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
