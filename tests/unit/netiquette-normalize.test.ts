import { describe, expect, it } from 'vitest';
import { fold, tokenize } from '../../server/modules/netiquette/engine/normalize.ts';

const words = (text: string) => tokenize(text).map((t) => t.text);
const forms = (text: string) => tokenize(text).flatMap((t) => t.forms);

describe('netiquette normalisation', () => {
  it('folds case and accents', () => {
    expect(words('Éléphant ÇA Œuvre')).toEqual(['elephant', 'ca', 'oeuvre']);
  });

  it('applies NFKC: full-width and stylised letters become plain', () => {
    expect(words('ｃｏｎｎａｒｄ 𝐟𝐮𝐜𝐤')).toEqual(['connard', 'fuck']);
  });

  it('removes zero-width characters and soft hyphens', () => {
    expect(words('con\u200Bnard en\u00ADculé idi\uFEFFot')).toEqual(['connard', 'encule', 'idiot']);
  });

  it('decodes leetspeak inside words, and leaves numbers alone', () => {
    expect(words('c0nn4rd $alope @bruti 3nculé')).toEqual(['connard', 'salope', 'abruti', 'encule']);
    expect(words('2024 4x4 GR20 v2')).toEqual(['4x4', 'gr20', 'v2']);
  });

  it('reads 1 as i and as l', () => {
    const [token] = tokenize('1d1ot');
    expect(token!.text).toBe('idiot');
    expect(tokenize('sa1ope')[0]!.alt).toBe('salope');
  });

  it('keeps punctuation at the end of a word out of it', () => {
    expect(words('connard! idiot|')).toEqual(['connard', 'idiot']);
    expect(words('conn!ard')).toEqual(['conniard']);
  });

  it('joins letters spaced or dotted out', () => {
    expect(words('c o n n a r d')).toEqual(['connard']);
    expect(words('f.u.c.k')).toEqual(['fuck']);
    expect(words('s-a-l-o-p-e')).toEqual(['salope']);
    expect(words('f. u. c. k')).toEqual(['fuck']);
  });

  it('does not join ordinary short words', () => {
    expect(words('il y a un an')).toEqual(['il', 'y', 'a', 'un', 'an']);
  });

  it('shortens long runs of a repeated letter, keeping double letters', () => {
    expect(forms('connnnnard')).toContain('connard');
    expect(forms('fuuuuuck')).toContain('fuck');
    expect(forms('coon')).toEqual(['coon']);
  });

  it('splits French elisions off the word', () => {
    expect(words("l'enculé qu'il d’abord j'te")).toEqual(['l', 'encule', 'qu', 'il', 'd', 'abord', 'j', 'te']);
  });

  it('maps every token back to its span in the original text', () => {
    const text = 'Oh ｃｏｎｎａｒｄ, c o n n a r d !';
    const tokens = tokenize(text);
    expect(tokens.map((t) => text.slice(t.start, t.end))).toEqual(['Oh', 'ｃｏｎｎａｒｄ', 'c o n n a r d']);
  });

  it('keeps offsets right around astral characters', () => {
    const text = '🏔️ Léa 😀 idiot';
    const idiot = tokenize(text).at(-1)!;
    expect(text.slice(idiot.start, idiot.end)).toBe('idiot');
    expect(fold('É').text).toBe('e');
  });
});
