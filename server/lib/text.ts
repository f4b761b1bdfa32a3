import { UnprocessableError } from './errors.ts';

/**
 * Text we accept must be stored and read back byte for byte. PostgreSQL text cannot hold NUL, and a lone
 * UTF-16 surrogate cannot be encoded as UTF-8 (it would come back as U+FFFD): refuse both, clearly.
 */
export function assertStorableText(field: string, value: string): void {
  if (value.includes('\u0000')) {
    throw new UnprocessableError('text.nul_character', `${field} contains a NUL character, which cannot be stored.`, {
      field,
    });
  }
  if (!value.isWellFormed()) {
    throw new UnprocessableError('text.malformed_unicode', `${field} contains malformed Unicode (a lone surrogate).`, {
      field,
    });
  }
}

/** Length as a person counts it (code points), not UTF-16 units. */
export function textLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** Visible content: what is left once white space and invisible format characters are removed. */
export function visibleLength(value: string): number {
  return textLength(value.replace(/[\s\p{Cf}]/gu, ''));
}

export function assertLength(field: string, value: string, min: number, max: number): void {
  assertStorableText(field, value);
  const visible = visibleLength(value);
  if (visible < min) {
    throw new UnprocessableError(`${field}.too_short`, `${field} must have at least ${min} visible characters.`, {
      field,
      min,
    });
  }
  const length = textLength(value);
  if (length > max) {
    throw new UnprocessableError(`${field}.too_long`, `${field} must have at most ${max} characters (got ${length}).`, {
      field,
      max,
    });
  }
}
