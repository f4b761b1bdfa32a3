import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The DiscourseConnect wire format (meta.discourse.org/t/discourseconnect-official-single-sign-on/13045): a
 * query string, base64-encoded as `sso`, signed as `sig` = hex(HMAC-SHA256(secret, sso)). Pure: no I/O.
 */
export function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

export function encodeRequest(params: Record<string, string>, secret: string): { sso: string; sig: string } {
  const sso = Buffer.from(new URLSearchParams(params).toString(), 'utf8').toString('base64');
  return { sso, sig: sign(sso, secret) };
}

/** The payload's fields when `sig` is its signature (compared in constant time), null otherwise. */
export function verifyResponse(sso: string, sig: string, secret: string): URLSearchParams | null {
  const expected = Buffer.from(sign(sso, secret), 'hex');
  const given = /^[0-9a-f]{64}$/i.test(sig) ? Buffer.from(sig, 'hex') : Buffer.alloc(0);
  // Lengths differ only for a malformed signature; the comparison itself never short-circuits.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return new URLSearchParams(Buffer.from(sso, 'base64').toString('utf8'));
}
