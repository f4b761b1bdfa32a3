import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { createMember, PASSWORD } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

const SECRET = 'the brand shares this secret with us';
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({
    SSO_URL: 'https://shop.brand.test/session/sso_provider',
    SSO_SECRET: SECRET,
    SSO_LABEL: 'Trail & Co',
    SSO_GROUP_ROLES: 'staff-forum:moderator, community:community_manager',
    SSO_GROUP_BADGES: 'vip:vip',
    LOCAL_PASSWORDS: 'admins',
    RATE_LIMIT_SSO: '1000',
  });
  await t.db
    .insertInto('badges')
    .values({ key: 'vip', name_fr: 'VIP', name_en: 'VIP', tier: 'gold', manual: true })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
});
afterAll(() => t?.close());

const cookieNamed = (res: { headers: Record<string, unknown> }, name: string) =>
  [res.headers['set-cookie'] ?? []]
    .flat()
    .map((line) => String(line).split(';')[0]!)
    .find((c) => c.startsWith(`${name}=`) && c.length > name.length + 1);

/** Our redirect to the brand, and what the brand's site sends back for this user (signed with the secret). */
async function brandAnswers(user: Record<string, string>, options: { secret?: string } = {}) {
  const start = await t.api('GET', '/api/auth/sso/discourse/start?returnTo=/c/atelier');
  expect(start.statusCode).toBe(303);
  const sent = new URL(start.headers.location as string);
  expect(sent.origin + sent.pathname).toBe('https://shop.brand.test/session/sso_provider');
  const sso = sent.searchParams.get('sso')!;
  expect(sent.searchParams.get('sig')).toBe(createHmac('sha256', SECRET).update(sso).digest('hex'));
  const request = new URLSearchParams(Buffer.from(sso, 'base64').toString('utf8'));
  expect(request.get('return_sso_url')).toBe('http://forum.test:3000/api/auth/sso/discourse/callback');
  const payload = Buffer.from(new URLSearchParams({ nonce: request.get('nonce')!, ...user }).toString()).toString(
    'base64',
  );
  const sig = createHmac('sha256', options.secret ?? SECRET)
    .update(payload)
    .digest('hex');
  return {
    url: `/api/auth/sso/discourse/callback?sso=${encodeURIComponent(payload)}&sig=${sig}`,
    cookie: cookieNamed(start, 'agora_sso')!,
  };
}
const back = (url: string, cookie: string) => t.api('GET', url, { headers: { cookie } });

describe('DiscourseConnect sign-in', () => {
  it('signs the payload with HMAC-SHA256 and creates the member once they chose a username', async () => {
    const answer = await brandAnswers({
      external_id: 'shop-1001',
      email: 'louise@shop.test',
      username: 'Louise B',
      name: 'Louise Bernard',
      avatar_url: 'https://cdn.brand.test/a/louise.png',
    });
    const res = await back(answer.url, answer.cookie);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/welcome');
    const signup = cookieNamed(res, 'agora_sso_signup')!;
    expect((await t.api('GET', '/api/auth/sso/signup', { headers: { cookie: signup } })).json()).toMatchObject({
      label: 'Trail & Co',
      username: 'Louise_B',
      name: 'Louise Bernard',
    });
    const done = await t.api('POST', '/api/auth/sso/signup', {
      headers: { cookie: signup },
      body: { username: 'Louise_B', acceptNetiquette: true },
    });
    expect(done.statusCode).toBe(201);
    const identity = await t.db
      .selectFrom('member_identities')
      .selectAll()
      .where('provider', '=', 'discourse')
      .where('subject', '=', 'shop-1001')
      .executeTakeFirstOrThrow();
    expect(identity.avatar_url).toBe('https://cdn.brand.test/a/louise.png');
    expect(identity.email_verified).toBe(true);
  });

  it('keeps a provider name that reads as a staff title or as another member out of the display name', async () => {
    await createMember(t.db, { username: 'camille_rando' });
    for (const [i, name] of ['Modérateur', 'carnille_rando'].entries()) {
      const answer = await brandAnswers({ external_id: `shop-name-${i}`, email: `name${i}@shop.test`, name });
      const signup = cookieNamed(await back(answer.url, answer.cookie), 'agora_sso_signup')!;
      const done = await t.api('POST', '/api/auth/sso/signup', {
        headers: { cookie: signup },
        body: { username: `plain_name_${i}`, acceptNetiquette: true },
      });
      expect(done.json().member.displayName).toBe(`plain_name_${i}`);
    }
  });

  it('makes no account through the provider while registration is closed (403), but signs members in', async () => {
    const member = await createMember(t.db, { email: 'member-closed@shop.test' });
    const admin = await createMember(t.db, { role: 'admin' });
    const settings = (await t.api('GET', '/api/admin/settings', { as: admin })).json();
    const put = (registration: string) =>
      t.api('PUT', '/api/admin/settings', {
        as: admin,
        body: {
          name: settings.name,
          tagline: settings.tagline,
          defaultLocale: settings.defaultLocale,
          accentColor: settings.accentColor,
          netiquette: settings.netiquette,
          registration,
        },
      });
    expect((await put('closed')).statusCode).toBe(200);
    try {
      const stranger = await brandAnswers({ external_id: 'shop-stranger', email: 'stranger@shop.test' });
      const refused = await back(stranger.url, stranger.cookie);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('registration.closed');
      const known = await brandAnswers({ external_id: 'shop-known', email: 'member-closed@shop.test' });
      const res = await back(known.url, known.cookie);
      expect((await t.api('GET', '/api/me', { as: cookieNamed(res, 'agora_session')! })).json().member.id).toBe(
        member.id,
      );
    } finally {
      await put('open');
    }
  });

  it('refuses a payload whose signature does not match (400), in constant time', async () => {
    const answer = await brandAnswers(
      { external_id: 'shop-x', email: 'x@shop.test' },
      { secret: 'not the secret at all!' },
    );
    const res = await back(answer.url, answer.cookie);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('identity.signature_invalid');
    const truncated = await back(answer.url.replace(/sig=[0-9a-f]+/, 'sig=abc'), answer.cookie);
    expect(truncated.json().error.code).toBe('identity.signature_invalid');
  });

  it('refuses a replayed nonce: the same signed answer signs in once', async () => {
    await createMember(t.db, { email: 'replay@shop.test' });
    const answer = await brandAnswers({ external_id: 'shop-replay', email: 'replay@shop.test' });
    const first = await back(answer.url, answer.cookie);
    expect(cookieNamed(first, 'agora_session')).toBeDefined();
    const again = await back(answer.url, answer.cookie);
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('identity.nonce_invalid');
    expect(cookieNamed(again, 'agora_session')).toBeUndefined();
  });

  it('does not link an address the brand asks us to verify (require_activation)', async () => {
    const member = await createMember(t.db, { email: 'owner@shop.test' });
    const answer = await brandAnswers({
      external_id: 'shop-unverified',
      email: 'owner@shop.test',
      require_activation: 'true',
    });
    const res = await back(answer.url, answer.cookie);
    expect(res.statusCode).toBe(409);
    expect(await t.db.selectFrom('member_identities').selectAll().where('member_id', '=', member.id).execute()).toEqual(
      [],
    );
  });

  it('maps groups to roles and badges with audit rows, and takes back only the role it gave', async () => {
    const member = await createMember(t.db, { email: 'relay@shop.test' });
    const signIn = async (groups: string) => {
      const answer = await brandAnswers({ external_id: 'shop-relay', email: 'relay@shop.test', groups });
      expect(cookieNamed(await back(answer.url, answer.cookie), 'agora_session')).toBeDefined();
      return t.db.selectFrom('members').select('role').where('id', '=', member.id).executeTakeFirstOrThrow();
    };
    expect(await signIn('customers,staff-forum,vip')).toEqual({ role: 'moderator' });
    const audit = () =>
      t.db
        .selectFrom('audit_log')
        .select(['action', 'actor_id', 'data'])
        .where('subject_type', '=', 'member')
        .where('subject_id', '=', String(member.id))
        .where('action', '<>', 'identity.linked')
        .orderBy('id')
        .execute();
    expect(await audit()).toMatchObject([
      { action: 'role.granted', actor_id: null, data: { role: 'moderator', from: 'member', via: 'sso' } },
      { action: 'badge.awarded', actor_id: null, data: { badge: 'vip', via: 'sso' } },
    ]);
    expect(await signIn('staff-forum,vip')).toEqual({ role: 'moderator' });
    expect(await audit()).toHaveLength(2);
    expect(await signIn('customers')).toEqual({ role: 'member' });
    expect((await audit()).at(-1)).toMatchObject({
      action: 'role.revoked',
      data: { from: 'moderator', role: 'member' },
    });

    // A role an administrator gave is never lowered by the brand's groups.
    await t.db.updateTable('members').set({ role: 'community_manager' }).where('id', '=', member.id).execute();
    expect(await signIn('')).toEqual({ role: 'community_manager' });
  });
});

describe('LOCAL_PASSWORDS=admins', () => {
  it('refuses registration and members’ passwords (403), and keeps the administrators’ break-glass login', async () => {
    const register = await t.api('POST', '/api/auth/register', {
      body: { username: 'pw_member', email: 'pw@example.test', password: 'un mot de passe', acceptNetiquette: true },
    });
    expect(register.statusCode).toBe(403);
    expect(register.json().error.code).toBe('auth.local_disabled');
    const member = await createMember(t.db);
    const login = await t.api('POST', '/api/auth/login', { body: { login: member.username, password: PASSWORD } });
    expect(login.statusCode).toBe(403);
    expect(login.json().error.code).toBe('auth.local_disabled');
    const wrong = await t.api('POST', '/api/auth/login', { body: { login: member.username, password: 'wrong one' } });
    expect(wrong.statusCode).toBe(401);
    const admin = await createMember(t.db, { role: 'admin' });
    const ok = await t.api('POST', '/api/auth/login', { body: { login: admin.username, password: PASSWORD } });
    expect(ok.statusCode).toBe(200);
    expect((await t.api('GET', '/api/auth/providers')).json()).toEqual({
      providers: [{ id: 'discourse', label: 'Trail & Co', kind: 'discourse' }],
      localPasswords: 'admins',
    });
  });
});

describe('SSO callback rate limit', () => {
  it('answers 429 past RATE_LIMIT_SSO sign-ins a minute from one address', async () => {
    const limited = await createTestApp({
      SSO_URL: 'https://shop.brand.test/sso',
      SSO_SECRET: SECRET,
      RATE_LIMIT_SSO: '2',
    });
    try {
      const codes = [];
      for (let i = 0; i < 3; i++)
        codes.push((await limited.api('GET', '/api/auth/sso/discourse/callback?sso=x&sig=y')).statusCode);
      expect(codes).toEqual([400, 400, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('single sign-on configuration', () => {
  const load = (env: Record<string, string>) => () => loadConfig(env);
  it('explains what is wrong at start', () => {
    expect(load({ SSO_URL: 'https://x.test/sso' })).toThrow(
      new ConfigError('SSO_URL and SSO_SECRET go together: set both or neither'),
    );
    expect(load({ SSO_URL: 'https://x.test/sso', SSO_SECRET: 'short' })).toThrow(/at least 16 characters/);
    expect(load({ SSO_URL: 'https://x.test/sso', SSO_SECRET: SECRET, SSO_GROUP_ROLES: 'staff:king' })).toThrow(
      /SSO_GROUP_ROLES: "staff:king"/,
    );
    expect(load({ OIDC_ISSUER: 'https://id.brand.test' })).toThrow(/"clientId" is required/);
    expect(load({ OIDC_ISSUER: 'http://id.brand.test', OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b' })).toThrow(
      /https URL/,
    );
    expect(load({ OIDC_PROVIDERS: '{"id":' })).toThrow(/OIDC_PROVIDERS is not JSON/);
    expect(
      load({ OIDC_PROVIDERS: '[{"id":"Bad Id","issuer":"https://a.test","clientId":"a","clientSecret":"b"}]' }),
    ).toThrow(/lower-case/);
    expect(load({ LOCAL_PASSWORDS: 'admins' })).toThrow(/needs a way for members to sign in/);
    expect(load({ LOCAL_PASSWORDS: 'off' })).toThrow(/"on" or "admins"/);
  });

  it('reads the single-provider variables and the JSON list together', () => {
    const config = loadConfig({
      OIDC_ISSUER: 'https://id.brand.test/',
      OIDC_CLIENT_ID: 'forum',
      OIDC_CLIENT_SECRET: 's',
      OIDC_LABEL: 'Trail & Co',
      OIDC_PROVIDERS:
        '[{"id":"google","label":"Google","issuer":"https://accounts.google.com","clientId":"g","clientSecret":"h"}]',
    });
    expect(config.identity.oidc.map((p) => [p.id, p.label, p.issuer, p.scopes])).toEqual([
      ['oidc', 'Trail & Co', 'https://id.brand.test/', 'openid email profile'],
      ['google', 'Google', 'https://accounts.google.com', 'openid email profile'],
    ]);
  });
});
