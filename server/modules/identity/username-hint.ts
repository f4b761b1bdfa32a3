/**
 * A username to propose to a member arriving from a provider, from its claims: the preferred username, else the
 * nickname, the name, or the e-mail's local part — folded to the characters a username may hold. Only a proposal:
 * the member chooses, and the usual rules (and look-alike check) apply when they submit.
 */
export function proposeUsername(claims: {
  preferredUsername?: string;
  nickname?: string;
  name?: string;
  email?: string;
}): string {
  const candidates = [claims.preferredUsername, claims.nickname, claims.name, claims.email?.split('@')[0]];
  for (const candidate of candidates) {
    const folded = fold(candidate ?? '');
    if (folded.length >= 3) return folded;
  }
  return '';
}

function fold(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\s+/g, '_')
    .replace(/[^\p{L}\p{N}_.-]/gu, '')
    .replace(/^[_.-]+|[_.-]+$/g, '')
    .slice(0, 30)
    .replace(/[_.-]+$/, '');
}
