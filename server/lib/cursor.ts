import { BadRequestError } from './errors.ts';

/**
 * Opaque keyset cursors: base64url JSON of the last row's sort key. Decoding validates the shape, so a
 * forged or truncated cursor is a 400, never a 500.
 */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

export type CursorShape = readonly ('number' | 'date')[];

export function decodeCursor(cursor: string, shape: CursorShape): (number | Date)[] {
  const invalid = () => new BadRequestError('cursor.invalid', 'The pagination cursor is invalid or expired.');
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== shape.length) throw invalid();
  return shape.map((kind, i) => {
    const value: unknown = parsed[i];
    if (kind === 'number') {
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid();
      return value;
    }
    if (typeof value !== 'string') throw invalid();
    const date = new Date(value);
    if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1970 || date.getUTCFullYear() > 9999) throw invalid();
    return date;
  });
}
