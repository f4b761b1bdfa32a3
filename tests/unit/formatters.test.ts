import { describe, expect, it } from 'vitest';
import { dates, numbers, plurals, relatives, warmFormatters } from '../../web/src/lib/i18n/formatters.ts';

describe('i18n formatters', () => {
  it('keeps one formatter per language', () => {
    expect(numbers('fr')).toBe(numbers('fr'));
    expect(numbers('en')).not.toBe(numbers('fr'));
    expect(plurals('en')).toBe(plurals('en'));
    expect(relatives('fr')).toBe(relatives('fr'));
  });

  it('formats in the language asked for, whichever was asked first', () => {
    expect(numbers('fr').format(1234)).toBe('1\u202f234');
    expect(numbers('en').format(1234)).toBe('1,234');
    expect(plurals('fr').select(1)).toBe('one');
    expect(plurals('en').select(0)).toBe('other');
    expect(relatives('en').format(-1, 'day')).toBe('yesterday');
  });

  it('keeps the long and the medium date apart', () => {
    expect(dates('en', 'long')).not.toBe(dates('en'));
    const when = new Date('2026-03-04T10:20:00Z');
    expect(dates('en').format(when)).toBe('Mar 4, 2026');
    expect(dates('en', 'long').format(when)).toMatch(/^March 4, 2026 at \d{1,2}:20/);
  });
});

describe('warmFormatters', () => {
  it('makes the formatters a page uses, so that hydration finds them made', () => {
    warmFormatters('de');
    const made = [numbers('de'), plurals('de'), relatives('de'), dates('de')];
    warmFormatters('de');
    expect([numbers('de'), plurals('de'), relatives('de'), dates('de')]).toEqual(made);
    made.forEach((formatter, i) => expect(formatter).toBe([numbers, plurals, relatives, dates][i]!('de')));
    expect(numbers('de').format(1000)).toBe('1.000');
  });
});
