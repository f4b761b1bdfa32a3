import type { Role } from './db/types.ts';

/** Single sign-on settings, read by config.ts (the env comes from there: this file never reads process.env). */
export interface OidcProviderConfig {
  /** In URLs and the database: lower-case letters, digits and dashes. */
  readonly id: string;
  /** The button's words: "Sign in with {label}". */
  readonly label: string;
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: string;
  /** A disabled provider keeps its members' links, but signs nobody in (403). */
  readonly enabled: boolean;
}

export interface DiscourseConnectConfig {
  readonly id: 'discourse';
  readonly label: string;
  readonly url: string;
  readonly secret: string;
  /** Group name (as the brand's site sends it) → the role it gives here. */
  readonly groupRoles: Readonly<Record<string, Exclude<Role, 'member'>>>;
  /** Group name → key of a manual badge it awards. */
  readonly groupBadges: Readonly<Record<string, string>>;
}

export interface IdentityConfig {
  readonly oidc: readonly OidcProviderConfig[];
  readonly discourse: DiscourseConnectConfig | undefined;
  /** `admins`: members sign in only through a provider; administrators keep the password form (break-glass). */
  readonly localPasswords: 'on' | 'admins';
  /** Ends the provider's session too at logout, where the provider offers it (RP-initiated logout). */
  readonly providerLogout: boolean;
  /** Sign-ins (start + callback) per minute from one address. */
  readonly rateLimit: number;
}

type Fail = (message: string) => never;

const ID = /^[a-z0-9][a-z0-9-]{0,30}$/;
const ROLES = ['moderator', 'community_manager', 'admin'] as const;

function url(value: string, name: string, fail: Fail): string {
  try {
    const parsed = new URL(value);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') fail(`${name} must be an http(s) URL`);
  } catch {
    fail(`${name} is not a URL: "${value}"`);
  }
  return value.replace(/\/+$/, '');
}

/** https, or http for a provider on this machine only (tests, a local Keycloak). */
function issuer(value: string, name: string, fail: Fail): string {
  url(value, name, fail);
  // Kept as written: the issuer must match the discovery document's to the character (trailing slash included).
  const checked = value;
  const { protocol, hostname } = new URL(checked);
  if (protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(hostname)) {
    fail(`${name} must be an https URL (http only for localhost)`);
  }
  return checked;
}

function provider(raw: Record<string, unknown>, where: string, fail: Fail): OidcProviderConfig {
  const text = (key: string, fallback?: string) => {
    const value = raw[key] ?? fallback;
    if (typeof value !== 'string' || value.trim() === '') fail(`${where}: "${key}" is required (a string)`);
    return (value as string).trim();
  };
  const id = text('id');
  if (!ID.test(id)) fail(`${where}: "id" must be lower-case letters, digits and dashes (got "${id}")`);
  if (id === 'discourse') fail(`${where}: the id "discourse" is kept for SSO_URL`);
  const scopes = text('scopes', 'openid email profile');
  if (!scopes.split(/\s+/).includes('openid')) fail(`${where}: "scopes" must include openid`);
  if (raw.enabled !== undefined && typeof raw.enabled !== 'boolean') fail(`${where}: "enabled" must be true or false`);
  return Object.freeze({
    id,
    label: text('label', id),
    issuer: issuer(text('issuer'), `${where}: "issuer"`, fail),
    clientId: text('clientId'),
    clientSecret: text('clientSecret'),
    scopes,
    enabled: raw.enabled !== false,
  });
}

/** `group:value,group:value` → a map; values checked by `check`. */
function pairs(raw: string | undefined, name: string, check: (value: string) => boolean, fail: Fail) {
  const map: Record<string, string> = {};
  for (const item of (raw ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = item.lastIndexOf(':');
    const group = item.slice(0, at).trim();
    const value = item.slice(at + 1).trim();
    if (at <= 0 || !group || !check(value)) fail(`${name}: "${item}" is not group:value with a valid value`);
    map[group] = value;
  }
  return Object.freeze(map);
}

export function identityConfig(
  env: NodeJS.ProcessEnv,
  fail: Fail,
  number: (name: string, fallback: number, min: number) => number,
  flag: (name: string, fallback: boolean) => boolean,
): IdentityConfig {
  const oidc: OidcProviderConfig[] = [];
  if (env.OIDC_ISSUER?.trim() || env.OIDC_CLIENT_ID?.trim()) {
    oidc.push(
      provider(
        {
          id: env.OIDC_ID?.trim() || 'oidc',
          label: env.OIDC_LABEL?.trim() || undefined,
          issuer: env.OIDC_ISSUER,
          clientId: env.OIDC_CLIENT_ID,
          clientSecret: env.OIDC_CLIENT_SECRET,
          scopes: env.OIDC_SCOPES?.trim() || undefined,
        },
        'OIDC_ISSUER/OIDC_CLIENT_ID/OIDC_CLIENT_SECRET',
        fail,
      ),
    );
  }
  if (env.OIDC_PROVIDERS?.trim()) {
    let list: unknown;
    try {
      list = JSON.parse(env.OIDC_PROVIDERS);
    } catch {
      fail('OIDC_PROVIDERS is not JSON: expected [{"id","label","issuer","clientId","clientSecret"}, …]');
    }
    if (!Array.isArray(list)) fail('OIDC_PROVIDERS must be a JSON array of providers');
    (list as unknown[]).forEach((item, i) => {
      if (typeof item !== 'object' || item === null) fail(`OIDC_PROVIDERS[${i}] must be an object`);
      oidc.push(provider(item as Record<string, unknown>, `OIDC_PROVIDERS[${i}]`, fail));
    });
  }
  const ids = oidc.map((p) => p.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) fail(`Two OIDC providers have the id "${twice}"`);

  let discourse: DiscourseConnectConfig | undefined;
  const ssoUrl = env.SSO_URL?.trim();
  const secret = env.SSO_SECRET ?? '';
  if (ssoUrl || secret) {
    if (!ssoUrl || !secret) fail('SSO_URL and SSO_SECRET go together: set both or neither');
    if (secret.length < 16) fail('SSO_SECRET must be at least 16 characters (the signature is only as strong)');
    discourse = Object.freeze({
      id: 'discourse',
      label: env.SSO_LABEL?.trim() || new URL(url(ssoUrl!, 'SSO_URL', fail)).hostname,
      url: url(ssoUrl!, 'SSO_URL', fail),
      secret,
      groupRoles: pairs(
        env.SSO_GROUP_ROLES,
        'SSO_GROUP_ROLES',
        (v) => (ROLES as readonly string[]).includes(v),
        fail,
      ) as Record<string, (typeof ROLES)[number]>,
      groupBadges: pairs(env.SSO_GROUP_BADGES, 'SSO_GROUP_BADGES', (v) => /^[a-z0-9_-]{1,60}$/.test(v), fail),
    });
  }

  const local = env.LOCAL_PASSWORDS?.trim().toLowerCase() || 'on';
  if (local !== 'on' && local !== 'admins') fail(`LOCAL_PASSWORDS must be "on" or "admins", got "${local}"`);
  if (local === 'admins' && !oidc.some((p) => p.enabled) && !discourse) {
    fail('LOCAL_PASSWORDS=admins needs a way for members to sign in: set OIDC_ISSUER, OIDC_PROVIDERS or SSO_URL');
  }
  return Object.freeze({
    oidc: Object.freeze(oidc),
    discourse,
    localPasswords: local,
    providerLogout: flag('OIDC_LOGOUT', true),
    rateLimit: number('RATE_LIMIT_SSO', 30, 1),
  });
}
