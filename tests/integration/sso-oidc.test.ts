import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';
import { startOidc, type TestOidc } from '../setup/oidc.ts';

const CALLBACK = 'http://forum.test:3000/api/auth/sso/brand/callback';
let t: TestApp;
let oidc: TestOidc;

beforeAll(async () => {
  oidc = await startOidc([CALLBACK]);
  t = await createTestApp({
    OIDC_PROVIDERS: JSON.stringify([
      {
        id: 'brand',
        label: 'Trail & Co',
        issuer: oidc.issuer,
        clientId: oidc.clientId,
        clientSecret: oidc.clientSecret,
      },
      { id: 'old-shop', label: 'Old shop', issuer: oidc.issuer, clientId: 'x', clientSecret: 'y', enabled: false },
    ]),
  });
});
afterAll(async () => {
  await t?.close();
  await oidc?.close();
});

const cookiesOf = (res: { headers: Record<string, unknown> }) =>
  [res.headers['set-cookie'] ?? []].flat().map((line) => String(line).split(';')[0]!);
const cookieNamed = (res: { headers: Record<string, unknown> }, name: string) =>
  cookiesOf(res).find((c) => c.startsWith(`${name}=`) && c.length > name.length + 1);

/** Our start route, then the provider's login form as `login`: the callback URL and the browser's cookies. */
async function throughProvider(login: string, options: { cookie?: string; intent?: 'link' } = {}) {
  const start = await t.api(
    'GET',
    `/api/auth/sso/brand/start?returnTo=/c/camping${options.intent ? '&intent=link' : ''}`,
    {
      headers: { accept: 'text/html', ...(options.cookie ? { cookie: options.cookie } : {}) },
    },
  );
  expect(start.statusCode).toBe(303);
  const binding = cookieNamed(start, 'agora_sso')!;
  expect(binding).toBeDefined();
  const location = new URL(start.headers.location as string);
  expect(location.searchParams.get('code_challenge_method')).toBe('S256');
  expect(location.searchParams.get('nonce')).toBeTruthy();
  const callback = await oidc.signIn(location.href, login);
  expect(callback.href.startsWith(CALLBACK)).toBe(true);
  const cookie = [binding, options.cookie].filter(Boolean).join('; ');
  return { callback: callback.pathname + callback.search, cookie, binding };
}

const back = (url: string, cookie: string, html = true) =>
  t.api('GET', url, { headers: { cookie, ...(html ? { accept: 'text/html' } : {}) } });

describe('OpenID Connect sign-in', () => {
  it('creates a new member just in time: username proposed from the claims, chosen, netiquette accepted', async () => {
    oidc.accounts.set('sub-new-1', {
      email: 'camille@brand.test',
      email_verified: true,
      name: 'Camille Roux',
      preferred_username: 'camille.r',
    });
    const { callback, cookie } = await throughProvider('sub-new-1');
    const res = await back(callback, cookie);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/welcome');
    expect(cookieNamed(res, 'agora_session')).toBeUndefined();
    const signup = cookieNamed(res, 'agora_sso_signup')!;
    const pending = await t.api('GET', '/api/auth/sso/signup', { headers: { cookie: signup } });
    expect(pending.json()).toMatchObject({ label: 'Trail & Co', email: 'camille@brand.test', username: 'camille.r' });

    const refused = await t.api('POST', '/api/auth/sso/signup', {
      headers: { cookie: signup },
      body: { username: 'camille_trail', acceptNetiquette: false },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('netiquette.not_accepted');

    const done = await t.api('POST', '/api/auth/sso/signup', {
      headers: { cookie: signup },
      body: { username: 'camille_trail', acceptNetiquette: true, locale: 'fr' },
    });
    expect(done.statusCode).toBe(201);
    expect(done.json()).toMatchObject({ member: { username: 'camille_trail' }, returnTo: '/c/camping' });
    const session = cookieNamed(done, 'agora_session')!;
    expect((await t.api('GET', '/api/me', { as: session })).json().member.username).toBe('camille_trail');
    const member = await t.db
      .selectFrom('members')
      .selectAll()
      .where('username', '=', 'camille_trail')
      .executeTakeFirstOrThrow();
    expect(member.display_name).toBe('Camille Roux');
    expect(member.netiquette_accepted_at).not.toBeNull();
    expect(member.email_verified_at).not.toBeNull();
    expect(member.password_hash).toBe('');
    const again = await t.api('POST', '/api/auth/sso/signup', {
      headers: { cookie: signup },
      body: { username: 'other_name', acceptNetiquette: true },
    });
    expect(again.statusCode).toBe(404);

    // The next time, the subject finds the member: signed in at once.
    const next = await throughProvider('sub-new-1');
    const second = await back(next.callback, next.cookie);
    expect(second.headers.location).toBe('/c/camping');
    const token = cookieNamed(second, 'agora_session')!;
    expect((await t.api('GET', '/api/me', { as: token })).json().member.username).toBe('camille_trail');
  });

  it('refuses a callback whose state was not issued to this browser (400, nothing signed in)', async () => {
    oidc.accounts.set('sub-state', { email: 'state@brand.test', email_verified: true });
    const { callback, cookie } = await throughProvider('sub-state');
    const forged = callback.replace(/state=[^&]+/, 'state=forgedstatevalue');
    const api = await back(forged, cookie, false);
    expect(api.statusCode).toBe(400);
    expect(api.json().error.code).toBe('identity.state_invalid');
    // The right state from another browser (no binding cookie) is refused too.
    const elsewhere = await back(callback, 'agora_sso=abcdefghijklmnopqrstuvwxyz234567');
    expect(elsewhere.statusCode).toBe(303);
    expect(elsewhere.headers.location).toBe('/login?sso_error=identity.state_invalid');
    expect(cookieNamed(elsewhere, 'agora_session')).toBeUndefined();
  });

  it('refuses a replayed code, whether its callback is replayed or the code is sent with a fresh state', async () => {
    oidc.accounts.set('sub-replay', { email: 'replay@brand.test', email_verified: true });
    const member = await createMember(t.db, { email: 'replay@brand.test' });
    const first = await throughProvider('sub-replay');
    const ok = await back(first.callback, first.cookie);
    expect(cookieNamed(ok, 'agora_session')).toBeDefined();
    const replay = await back(first.callback, first.cookie, false);
    expect(replay.statusCode).toBe(400);
    expect(replay.json().error.code).toBe('identity.state_invalid');

    const fresh = await t.api('GET', '/api/auth/sso/brand/start', { headers: { cookie: first.binding } });
    const state = new URL(fresh.headers.location as string).searchParams.get('state')!;
    const oldCode = new URL(first.callback, 'http://x').searchParams.get('code')!;
    const reused = await back(
      `/api/auth/sso/brand/callback?code=${oldCode}&state=${state}&iss=${encodeURIComponent(oidc.issuer)}`,
      first.binding,
      false,
    );
    expect(reused.statusCode).toBe(400);
    expect(reused.json().error.code).toBe('identity.code_rejected');
    expect(cookieNamed(reused, 'agora_session')).toBeUndefined();
    const identities = await t.db
      .selectFrom('member_identities')
      .select('member_id')
      .where('subject', '=', 'sub-replay')
      .execute();
    expect(identities).toEqual([{ member_id: member.id }]);
  });

  it('never links an unverified e-mail to the account that uses it (409, no link, no session)', async () => {
    const member = await createMember(t.db, { email: 'victim@example.test' });
    oidc.accounts.set('sub-attacker', { email: 'victim@example.test', email_verified: false, name: 'Not the victim' });
    const { callback, cookie } = await throughProvider('sub-attacker');
    const res = await back(callback, cookie, false);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('identity.email_unverified');
    expect(cookieNamed(res, 'agora_session')).toBeUndefined();
    expect(await t.db.selectFrom('member_identities').selectAll().where('member_id', '=', member.id).execute()).toEqual(
      [],
    );
    expect(await t.db.selectFrom('sso_signups').selectAll().where('subject', '=', 'sub-attacker').execute()).toEqual(
      [],
    );
  });

  it('links a verified e-mail to the existing account and signs its member in, with an audit row', async () => {
    const member = await createMember(t.db, { email: 'verified@example.test' });
    oidc.accounts.set('sub-verified', { email: 'Verified@example.test', email_verified: true });
    const { callback, cookie } = await throughProvider('sub-verified');
    const res = await back(callback, cookie);
    expect(res.headers.location).toBe('/c/camping');
    const me = await t.api('GET', '/api/me', { as: cookieNamed(res, 'agora_session')! });
    expect(me.json().member.id).toBe(member.id);
    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'identity.linked')
      .where('subject_id', '=', String(member.id))
      .executeTakeFirstOrThrow();
    expect(audit.data).toMatchObject({ provider: 'brand', via: 'verified e-mail' });
  });

  it('answers a clear 4xx for a disabled or unknown provider, and lists only the enabled ones', async () => {
    const disabled = await t.api('GET', '/api/auth/sso/old-shop/start');
    expect(disabled.statusCode).toBe(403);
    expect(disabled.json().error.code).toBe('identity.provider_disabled');
    const unknown = await t.api('GET', '/api/auth/sso/nowhere/callback?code=x&state=y');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('identity.provider_unknown');
    const providers = await t.api('GET', '/api/auth/providers');
    expect(providers.json()).toEqual({
      providers: [{ id: 'brand', label: 'Trail & Co', kind: 'oidc' }],
      localPasswords: 'on',
    });
  });

  it('shows the provider refusal on the login page', async () => {
    const start = await t.api('GET', '/api/auth/sso/brand/start');
    const state = new URL(start.headers.location as string).searchParams.get('state')!;
    const res = await back(
      `/api/auth/sso/brand/callback?error=access_denied&error_description=User+cancelled&state=${state}`,
      cookieNamed(start, 'agora_sso')!,
    );
    expect(res.headers.location).toBe('/login?sso_error=identity.provider_error&sso_detail=User+cancelled');
  });
});

describe('linked providers on the account', () => {
  it('links a provider from the account page, lists it, and unlinks it while a password remains', async () => {
    const member = await createMember(t.db);
    const session = await t.loginAs(member);
    oidc.accounts.set('sub-link', { email: 'someone-else@brand.test', email_verified: false });
    const { callback, cookie } = await throughProvider('sub-link', { cookie: session, intent: 'link' });
    const res = await back(callback, cookie);
    expect(res.headers.location).toBe('/account?linked=brand');
    const list = await t.api('GET', '/api/auth/identities', { as: member });
    expect(list.json()).toMatchObject({ hasPassword: true, identities: [{ provider: 'brand', label: 'Trail & Co' }] });
    const unlink = await t.api('DELETE', '/api/auth/identities/brand', { as: member });
    expect(unlink.statusCode).toBe(200);
    expect((await t.api('GET', '/api/auth/identities', { as: member })).json().identities).toEqual([]);
    expect((await t.api('DELETE', '/api/auth/identities/brand', { as: member })).statusCode).toBe(404);
  });

  it('refuses to link an account already linked to another member, or a second account at one provider (409)', async () => {
    const owner = await createMember(t.db, { email: 'owner-link@brand.test' });
    oidc.accounts.set('sub-owned', { email: 'owner-link@brand.test', email_verified: true });
    const first = await throughProvider('sub-owned');
    await back(first.callback, first.cookie); // links to `owner` through the verified address
    const other = await createMember(t.db);
    const session = await t.loginAs(other);
    const taken = await throughProvider('sub-owned', { cookie: session, intent: 'link' });
    const res = await back(taken.callback, taken.cookie);
    expect(res.headers.location).toBe('/account?sso_error=identity.linked_elsewhere');

    oidc.accounts.set('sub-second', { email: 'second@brand.test', email_verified: true });
    const ownerSession = await t.loginAs(owner);
    const second = await throughProvider('sub-second', { cookie: ownerSession, intent: 'link' });
    const refused = await back(second.callback, second.cookie, false);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('identity.provider_already_linked');
    const rows = await t.db
      .selectFrom('member_identities')
      .select(['member_id', 'subject'])
      .where('subject', 'in', ['sub-owned', 'sub-second'])
      .execute();
    expect(rows).toEqual([{ member_id: owner.id, subject: 'sub-owned' }]);
  });

  it('refuses to unlink the last way to sign in (409), and asks a visitor to sign in (401)', async () => {
    oidc.accounts.set('sub-only', { email: 'only@brand.test', email_verified: true });
    const { callback, cookie } = await throughProvider('sub-only');
    const signup = cookieNamed(await back(callback, cookie), 'agora_sso_signup')!;
    const done = await t.api('POST', '/api/auth/sso/signup', {
      headers: { cookie: signup },
      body: { username: 'only_sso', acceptNetiquette: true },
    });
    const session = cookieNamed(done, 'agora_session')!;
    const res = await t.api('DELETE', '/api/auth/identities/brand', { as: session });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('identity.last_login_method');
    expect((await t.api('GET', '/api/auth/identities')).statusCode).toBe(401);
  });

  it("ends the provider's session too at logout (RP-initiated logout)", async () => {
    oidc.accounts.set('sub-logout', { email: 'logout@brand.test', email_verified: true });
    await createMember(t.db, { email: 'logout@brand.test' });
    const { callback, cookie } = await throughProvider('sub-logout');
    const session = cookieNamed(await back(callback, cookie), 'agora_session')!;
    const res = await t.api('POST', '/api/auth/sso/logout', { as: session });
    const url = new URL(res.json().endSessionUrl);
    expect(url.origin + url.pathname).toBe(`${oidc.issuer}/session/end`);
    expect(url.searchParams.get('id_token_hint')).toBeTruthy();
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe('http://forum.test:3000/');
    expect((await t.api('GET', '/api/me', { as: session })).statusCode).toBe(401);
  });
});
