import { UnprocessableError } from '../../lib/errors.ts';
import { assertStorableText, textLength } from '../../lib/text.ts';

/** Letters (any script), digits, and . _ - inside; 3 to 30 characters; in Unicode NFC so look-alikes collide. */
const USERNAME = /^[\p{L}\p{N}](?:[\p{L}\p{N}_.-]*[\p{L}\p{N}])?$/u;

export function assertValidUsername(username: string): void {
  assertStorableText('username', username);
  const length = textLength(username);
  if (length < 3 || length > 30 || !USERNAME.test(username) || username.normalize('NFC') !== username) {
    throw new UnprocessableError(
      'username.invalid',
      'A username has 3 to 30 letters, digits, dots, dashes or underscores, and starts and ends with a letter or digit.',
      { field: 'username' },
    );
  }
}

// Deliberately loose: the address is proven by use, not by a regular expression.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function assertValidEmail(email: string): void {
  assertStorableText('email', email);
  if (email.length > 254 || !EMAIL.test(email)) {
    throw new UnprocessableError('email.invalid', 'This e-mail address is not valid.', { field: 'email' });
  }
}

export function assertValidPassword(password: string, username: string, email: string): void {
  assertStorableText('password', password);
  const length = textLength(password);
  if (length < 8) {
    throw new UnprocessableError('password.too_short', 'A password needs at least 8 characters.', {
      field: 'password',
      min: 8,
    });
  }
  if (length > 256) {
    throw new UnprocessableError('password.too_long', 'A password has at most 256 characters.', {
      field: 'password',
      max: 256,
    });
  }
  const lower = password.toLowerCase();
  if (lower === username.toLowerCase() || lower === email.toLowerCase()) {
    throw new UnprocessableError('password.guessable', 'The password must differ from the username and e-mail.', {
      field: 'password',
    });
  }
}
