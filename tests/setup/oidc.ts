import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';

/** An account at the test provider: its subject is the login typed in the provider's form. */
export interface TestAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
  preferred_username?: string;
}

export interface TestOidc {
  issuer: string;
  /** The client's registered callbacks: add to them before the provider's first request. */
  redirectUris: string[];
  clientId: string;
  clientSecret: string;
  accounts: Map<string, TestAccount>;
  /**
   * Goes through the provider like a browser, from our start URL's redirect to the provider's redirect back:
   * follows its redirects with its cookies, types `login` in its login form, and returns our callback URL.
   */
  signIn(authorizationUrl: string, login: string): Promise<URL>;
  close(): Promise<void>;
}

/**
 * A real OpenID Connect provider (panva's `oidc-provider`, the certified implementation) listening on loopback in
 * the test process, with its development login form (any login signs in as that subject) and consent granted for
 * our client, as a brand's own identity provider would for its first-party forum.
 */
export async function startOidc(redirectUris: string[]): Promise<TestOidc> {
  const accounts = new Map<string, TestAccount>();
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'agora-forum';
  const clientSecret = 'a-test-client-secret-that-is-long-enough';
  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        get post_logout_redirect_uris() {
          return redirectUris.map((u) => `${new URL(u).origin}/`);
        },
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    cookies: { keys: ['test-cookie-key-one'] },
    ttl: { Interaction: 600, Grant: 3600, Session: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...account }) };
    },
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client!.clientId,
        accountId: ctx.oidc.session!.accountId!,
      });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  };
  // Made on the first request: a browser test adds its site's callback (known once the site listens) before.
  let provider: Provider | undefined;
  server.on('request', (req, res) => {
    provider ??= new Provider(issuer, configuration);
    return provider.callback()(req, res);
  });

  return {
    issuer,
    redirectUris,
    clientId,
    clientSecret,
    accounts,
    async signIn(authorizationUrl, login) {
      const jar = new Map<string, string>();
      const send = async (url: string, init: RequestInit = {}) => {
        const res = await fetch(url, {
          ...init,
          redirect: 'manual',
          headers: {
            ...(init.headers as Record<string, string>),
            cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
          },
        });
        for (const line of res.headers.getSetCookie()) {
          const [pair] = line.split(';');
          const at = pair!.indexOf('=');
          jar.set(pair!.slice(0, at), pair!.slice(at + 1));
        }
        return res;
      };
      let url = authorizationUrl;
      for (let hop = 0; hop < 10; hop++) {
        if (!url.startsWith(issuer)) return new URL(url);
        const res = await send(url);
        if (res.status === 200 && url.includes('/interaction/')) {
          const body = new URLSearchParams({ prompt: 'login', login, password: 'any' });
          const posted = await send(url, {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          });
          url = new URL(posted.headers.get('location')!, url).href;
          continue;
        }
        const location = res.headers.get('location');
        if (!location) throw new Error(`The provider answered ${res.status} at ${url}: ${await res.text()}`);
        url = new URL(location, url).href;
      }
      throw new Error('Too many redirects at the provider');
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
