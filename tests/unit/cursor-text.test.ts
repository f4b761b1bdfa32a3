import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../server/lib/cursor.ts';
import { AppError } from '../../server/lib/errors.ts';
import { assertLength, assertStorableText, textLength, visibleLength } from '../../server/lib/text.ts';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? `${err.status} ${err.code}` : 'not an AppError';
  }
  return 'no error';
};

describe('cursors', () => {
  it('round-trips a date and an id', () => {
    const date = new Date('2026-05-01T10:20:30.456Z');
    const [d, id] = decodeCursor(encodeCursor([date.toISOString(), 42]), ['date', 'number']);
    expect((d as Date).toISOString()).toBe(date.toISOString());
    expect(id).toBe(42);
  });

  it.each([
    ['not base64', '!!!'],
    ['not JSON', Buffer.from('{oops').toString('base64url')],
    ['wrong arity', encodeCursor([1])],
    ['wrong types', encodeCursor(['x', 'y'])],
    ['a date out of range', encodeCursor(['+275760-09-13T00:00:00.000Z', 1])],
  ])('refuses %s with 400 cursor.invalid', (_label, cursor) => {
    expect(codeOf(() => decodeCursor(cursor, ['date', 'number']))).toBe('400 cursor.invalid');
  });
});

describe('text rules', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(textLength('🏔️é')).toBe(3);
  });

  it('does not count white space and invisible characters as content', () => {
    expect(visibleLength(' \u200b\u00ad\t a ')).toBe(1);
  });

  it('refuses NUL and lone surrogates with 422', () => {
    expect(codeOf(() => assertStorableText('body', 'a\u0000b'))).toBe('422 text.nul_character');
    expect(codeOf(() => assertStorableText('body', 'a\ud800b'))).toBe('422 text.malformed_unicode');
  });

  it('enforces the configured limits with field-specific codes', () => {
    expect(codeOf(() => assertLength('title', '   ', 3, 10))).toBe('422 title.too_short');
    expect(codeOf(() => assertLength('title', 'x'.repeat(11), 3, 10))).toBe('422 title.too_long');
    expect(codeOf(() => assertLength('title', 'Bonjour', 3, 10))).toBe('no error');
  });
});
