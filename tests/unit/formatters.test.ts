import { describe, expect, it } from 'vitest';
import {
  dates,
  format,
  numbers,
  plurals,
  recordFormats,
  relatives,
  seedFormats,
} from '../../web/src/lib/i18n/formatters.ts';

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

describe('formats recorded by the server and reused by hydration', () => {
  const when = '2026-03-04T10:20:00.000Z';
  const offset = new Date(when).getTimezoneOffset();

  it('records what a render formatted, and only that', () => {
    format.number('en', 1);
    const { result, formats } = recordFormats(() => [
      format.number('fr', 1234),
      format.plural('en', 1),
      format.relative('en', -1, 'day'),
      format.date('en', when, false),
      format.percent('en', 0.25),
    ]);
    expect(result).toEqual(['1\u202f234', 'one', 'yesterday', 'Mar 4, 2026', '25%']);
    expect(formats).toEqual({
      'n|fr|1234': '1\u202f234',
      'p|en|1': 'one',
      'r|en|-1|day': 'yesterday',
      [`d|en|medium|${when}|${offset}`]: 'Mar 4, 2026',
      '%|en|0.25': '25%',
    });
    // Nothing is recorded outside a render.
    expect(recordFormats(() => null).formats).toEqual({});
  });

  it('gives back the seeded text for the same value, language and time zone; formats anything else', () => {
    // Texts no Intl formatter would write, to tell where an answer came from.
    seedFormats({
      'n|de|42': 'zweiundvierzig',
      'r|de|-2|hour': 'vorhin',
      [`d|de|long|${when}|${offset}`]: 'served',
      [`d|de|medium|${when}|${offset + 60}`]: 'another zone',
    });
    expect(format.number('de', 42)).toBe('zweiundvierzig');
    expect(format.number('de', 43)).toBe('43');
    expect(format.number('en', 42)).toBe('42');
    expect(format.relative('de', -2, 'hour')).toBe('vorhin');
    expect(format.relative('de', -3, 'hour')).toBe('vor 3 Stunden');
    expect(format.date('de', when, true)).toBe('served');
    // Seeded for a time zone other than this one: formatted here instead.
    expect(format.date('de', when, false)).toBe(dates('de').format(new Date(when)));
  });

  it('ignores a seed that is not text, and a missing one', () => {
    seedFormats(undefined);
    seedFormats({ 'n|de|7': 7 } as unknown as Record<string, string>);
    expect(format.number('de', 7)).toBe('7');
  });
});
