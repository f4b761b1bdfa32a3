import { UnprocessableError } from '../../lib/errors.ts';
import { assertValidPassword } from '../members/index.ts';
import { scorePassword } from './password-strength.ts';

/** zxcvbn's score a password needs: 3 = "safely unguessable" (about 10⁸ guesses and more). */
export const MIN_PASSWORD_SCORE = 3;

/**
 * Every password a member or an operator chooses (registration, the CLI): the rules (length, not the
 * username or e-mail), then its strength against common passwords, words and names in French and English,
 * keyboard patterns and the member's own name and address.
 */
export async function assertAcceptablePassword(password: string, username: string, email: string): Promise<void> {
  assertValidPassword(password, username, email);
  const local = email.split('@')[0] ?? '';
  // The names whole and in parts: "Randonneur_Alpin" makes "RandonneurAlpin!" guessable too.
  const known = [username, email, local, ...`${username} ${local}`.split(/[\s_.+-]+/)].filter(
    (word) => word.length >= 3,
  );
  const { score, feedback } = await scorePassword(password, [...new Set(known)]);
  if (score < MIN_PASSWORD_SCORE) {
    throw new UnprocessableError(
      'password.weak',
      `This password is too easy to guess${feedback.warning ? ` (${feedback.warning})` : ''}: use a few unrelated words or a longer phrase.`,
      {
        field: 'password',
        score,
        minScore: MIN_PASSWORD_SCORE,
        warning: feedback.warning,
        suggestions: feedback.suggestions,
      },
    );
  }
}
