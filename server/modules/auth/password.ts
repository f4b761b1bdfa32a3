import { hash, verify } from '@node-rs/argon2';
import { UnprocessableError } from '../../lib/errors.ts';
import { assertValidPassword } from '../members/members.rules.ts';
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
  const known = [username, email, local, ...`${username} ${local}`.split(/[\s_.+-]+/)].filter((word) => word.length >= 3);
  const { score, feedback } = await scorePassword(password, [...new Set(known)]);
  if (score < MIN_PASSWORD_SCORE) {
    throw new UnprocessableError(
      'password.weak',
      `This password is too easy to guess${feedback.warning ? ` (${feedback.warning})` : ''}: use a few unrelated words or a longer phrase.`,
      { field: 'password', score, minScore: MIN_PASSWORD_SCORE, warning: feedback.warning, suggestions: feedback.suggestions },
    );
  }
}

// argon2id (the library's default algorithm) with OWASP's minimum parameters: 19 MiB, 2 passes, 1 lane.
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// Verified against when the login names nobody, so that "no such member" and "wrong password" take as long.
let decoy: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  if (passwordHash === undefined) {
    decoy ??= hashPassword('decoy password that matches nothing');
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
