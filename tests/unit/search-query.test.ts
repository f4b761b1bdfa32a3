import { describe, expect, it } from 'vitest';
import {
  HIT_END,
  HIT_START,
  isCommonQuery,
  lexemes,
  parseQuery,
  realign,
  segments,
} from '../../server/modules/search/query.ts';

describe('parseQuery', () => {
  it('keeps letters and digits only, lower-cased, so no tsquery operator survives', () => {
    expect(parseQuery("Chaussure & !( | ':* <b>").tsquery).toBe('chaussure & b');
    expect(parseQuery('   ').tsquery).toBe('');
    expect(parseQuery("'").words).toEqual([]);
  });

  it('splits elisions on either apostrophe and keeps accents for the database to remove', () => {
    expect(parseQuery("L’entretien de l'été").words).toEqual(['l', 'entretien', 'de', 'l', 'été']);
  });

  it('makes the last word a prefix while typing, not after a space', () => {
    expect(parseQuery('cuir sais', { prefix: true }).tsquery).toBe('cuir & sais:*');
    expect(parseQuery('cuir sais ', { prefix: true }).tsquery).toBe('cuir & sais');
    expect(parseQuery('bottes pluie', { match: 'any' }).tsquery).toBe('bottes | pluie');
    expect(parseQuery('bottes plu', { prefix: true, titleOnly: true }).tsquery).toBe('bottes:A & plu:*A');
  });

  it('bounds the number and length of words', () => {
    expect(parseQuery(Array.from({ length: 30 }, (_, i) => `mot${i}`).join(' ')).words).toHaveLength(12);
    expect(parseQuery(`${'a'.repeat(61)} court`).words).toEqual(['court']);
  });
});

describe('segments and realign', () => {
  const mark = (w: string) => HIT_START + w + HIT_END;

  it('splits a headline into plain and matched pieces', () => {
    expect(segments(`Une ${mark('chaussure')} légère`)).toEqual([
      { text: 'Une ', hit: false },
      { text: 'chaussure', hit: true },
      { text: ' légère', hit: false },
    ]);
    expect(segments('')).toEqual([]);
    expect(segments(`${HIT_START}non fermé`)).toEqual([{ text: 'non fermé', hit: true }]);
  });

  it('puts back the punctuation the headline dropped, and falls back to plain text', () => {
    const title = '« Quelle chaussure ? »';
    expect(realign(title, segments(`Quelle ${mark('chaussure')}`))).toEqual([
      { text: '« Quelle ', hit: false },
      { text: 'chaussure', hit: true },
      { text: ' ? »', hit: false },
    ]);
    expect(realign(title, [{ text: 'autre chose', hit: true }])).toEqual([{ text: title, hit: false }]);
  });
});

describe('choosing how to find candidates', () => {
  const list = ['chaussur', 'randon', 'ete', 'cuir'];
  const common = new Set(list);

  it('reads the lexemes of a tsquery text, prefixes and weights included', () => {
    expect(lexemes("'chaussur' & 'ete':* & 'l''eau':A")).toEqual([
      { lexeme: 'chaussur', prefix: false },
      { lexeme: 'ete', prefix: true },
      { lexeme: "l'eau", prefix: false },
    ]);
  });

  it('walks the newest posts only when every word is common, in either language', () => {
    expect(isCommonQuery(["'chaussur' & 'ete'", "'chaussures' & 'ete'"], common, list)).toBe(true);
    expect(isCommonQuery(["'chaussur' & 'k4821'", "'chaussures' & 'k4821'"], common, list)).toBe(false);
    expect(isCommonQuery(["'rand':*", "'rand':*"], common, list)).toBe(true);
    expect(isCommonQuery(["'zzz':*", "'zzz':*"], common, list)).toBe(false);
    expect(isCommonQuery(['', ''], common, list)).toBe(false);
    expect(isCommonQuery(["'k4821' | 'cuir'", "'k4821' | 'cuir'"], common, list, 'any')).toBe(true);
  });
});
