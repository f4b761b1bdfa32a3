import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { describe, expect, it } from 'vitest';
import { generateSessionToken, sessionIdFromToken } from '../../server/modules/auth/session.service.ts';

describe('session ids', () => {
  it('are the SHA-256 of the cookie token in hex (the standard test vector)', () => {
    expect(sessionIdFromToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('match the ids of sessions made before the hash moved to node:crypto (the Lucia guide’s @oslojs/crypto)', () => {
    for (let i = 0; i < 20; i++) {
      const token = generateSessionToken();
      expect(token).toMatch(/^[a-z2-7]{32}$/);
      expect(sessionIdFromToken(token)).toBe(encodeHexLowerCase(sha256(new TextEncoder().encode(token))));
    }
  });
});
