import { UnprocessableError } from '../../lib/errors.ts';
import { isSingleScript, skeleton, stripInvisibles } from '../../lib/confusables.ts';
import { assertStorableText, textLength } from '../../lib/text.ts';

/** Letters (any script), digits, and . _ - inside; 3 to 30 characters. */
const USERNAME = /^[\p{L}\p{N}](?:[\p{L}\p{N}_.-]*[\p{L}\p{N}])?$/u;
/**
 * Letters no one writes a name with, which UTS #39 keeps out of identifiers (Identifier_Status Restricted:
 * phonetic, technical and historic letters, small capitals among them) and confusables.txt does not map:
 * IPA and phonetic extensions, modifier letters, Latin Extended-D and -E. Invisible ones (Hangul fillers,
 * zero-width characters) are refused too.
 */
const RESTRICTED = /[\u0250-\u02ff\u1d00-\u1dbf\ua720-\ua7ff\uab30-\uab6f]|\p{Default_Ignorable_Code_Point}/u;

const invalidUsername = () =>
  new UnprocessableError(
    'username.invalid',
    'A username has 3 to 30 letters, digits, dots, dashes or underscores, and starts and ends with a letter or digit.',
    { field: 'username' },
  );

/**
 * A username is plain text in one script: in its compatibility-normalised form (NFKC: no full-width or
 * mathematical letters, no ligatures), without invisible or restricted letters, its letters from one script
 * (or one CJK writing system). Look-alikes of an existing name are refused where the name is stored
 * (AuthService.createMember), by its skeleton.
 */
export function assertValidUsername(username: string): void {
  assertStorableText('username', username);
  const length = textLength(username);
  if (
    length < 3 ||
    length > 30 ||
    !USERNAME.test(username) ||
    username.normalize('NFKC') !== username ||
    RESTRICTED.test(username)
  ) {
    throw invalidUsername();
  }
  if (!isSingleScript(username)) {
    throw new UnprocessableError(
      'username.mixed_script',
      'A username writes its letters in one script (for example only Latin, or only Cyrillic letters).',
      {
        field: 'username',
      },
    );
  }
}

/** Names that would pass for the forum's staff, in French and English: members cannot take them, in any look-alike form. */
const STAFF_WORDS = [
  'admin',
  'administrator',
  'administrateur',
  'administratrice',
  'moderator',
  'moderateur',
  'modérateur',
  'modératrice',
  'moderatrice',
];
const staffSkeleton = (text: string) => skeleton(text).replace(/[\s_.\-@]/gu, '');
const STAFF_SKELETONS = new Set(STAFF_WORDS.map(staffSkeleton));

/** Whether a name reads as a staff title ("admin", "Modérateur", "ᴀᴅᴍɪɴ", "a d m i n"…). */
export function isStaffTitle(name: string): boolean {
  return STAFF_SKELETONS.has(staffSkeleton(name));
}

/** Registration: a member's username cannot read as a staff title (operators name staff through the CLI). */
export function assertNotStaffTitle(username: string): void {
  if (isStaffTitle(username)) {
    throw new UnprocessableError('username.reserved', 'This username is reserved for the forum’s staff.', {
      field: 'username',
    });
  }
}

/** A display name as stored: bidi controls and invisible characters removed, trimmed. */
export function cleanDisplayName(displayName: string): string {
  assertStorableText('displayName', displayName);
  return stripInvisibles(displayName);
}

/** What a display name is compared with usernames by: its skeleton, without spaces or a leading @. */
export function displayNameSkeleton(displayName: string): string {
  return skeleton(displayName.replace(/^\s*@/u, '')).replace(/\s/gu, '');
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

/**
 * A profile's website: an http(s) address, stored as the URL parser writes it (or empty to remove it). Anything
 * else (javascript:, data:, a bare word) is refused with 422 rather than stored and never shown.
 */
export function checkedWebsite(raw: string): string {
  const value = raw.trim();
  if (value === '') return '';
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:/i.test(value) ? value : `https://${value}`);
  } catch {
    throw new UnprocessableError('member.website_invalid', 'The website must be an http(s) address.', {
      field: 'website',
    });
  }
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    !url.hostname.includes('.') ||
    url.username ||
    url.password
  ) {
    throw new UnprocessableError('member.website_invalid', 'The website must be an http(s) address.', {
      field: 'website',
    });
  }
  return url.href;
}
