import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeRequest, verifyResponse } from '../../server/modules/identity/discourse-connect.ts';
import { safeReturnTo } from '../../server/modules/identity/sign-in.flows.ts';
import { proposeUsername } from '../../server/modules/identity/username-hint.ts';

describe('safeReturnTo', () => {
  it('keeps a path of this site', () => {
    expect(safeReturnTo('/t/12/bivouac?page=2')).toBe('/t/12/bivouac?page=2');
  });
  it('sends anything else home: other hosts, the API, header injection', () => {
    for (const value of [
      '//evil.example/x',
      '/\\evil.example',
      'https://evil.example',
      '/api/auth/logout',
      '/a\r\nSet-Cookie: x',
      undefined,
    ]) {
      expect(safeReturnTo(value)).toBe('/');
    }
  });
});

describe('proposeUsername', () => {
  it('takes the preferred username, else the name, else the address, folded to what a username may hold', () => {
    expect(proposeUsername({ preferredUsername: 'camille.r', name: 'Camille' })).toBe('camille.r');
    expect(proposeUsername({ name: '  Élise Marchand ' })).toBe('Élise_Marchand');
    expect(proposeUsername({ preferredUsername: '@@', email: 'jo+forum@brand.test' })).toBe('joforum');
    expect(proposeUsername({ name: '💥' })).toBe('');
  });
});

describe('DiscourseConnect payloads', () => {
  const secret = 'a shared secret of some length';
  it('signs a request as hex HMAC-SHA256 of the base64 payload', () => {
    const { sso, sig } = encodeRequest({ nonce: 'n1', return_sso_url: 'https://forum.test/cb' }, secret);
    expect(Buffer.from(sso, 'base64').toString()).toBe('nonce=n1&return_sso_url=https%3A%2F%2Fforum.test%2Fcb');
    expect(sig).toBe(createHmac('sha256', secret).update(sso).digest('hex'));
  });
  it('reads a response only under its own signature', () => {
    const { sso, sig } = encodeRequest({ nonce: 'n2', external_id: '42' }, secret);
    expect(verifyResponse(sso, sig, secret)?.get('external_id')).toBe('42');
    expect(verifyResponse(sso, sig.toUpperCase(), secret)?.get('nonce')).toBe('n2');
    expect(verifyResponse(sso, sig, 'another secret entirely')).toBeNull();
    expect(verifyResponse(sso, sig.slice(0, 63), secret)).toBeNull();
    expect(verifyResponse(`${sso}x`, sig, secret)).toBeNull();
    expect(verifyResponse(sso, '', secret)).toBeNull();
  });
});
