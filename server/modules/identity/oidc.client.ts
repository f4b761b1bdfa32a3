import type * as client from 'openid-client';
import { onFirstUse } from '../../lib/on-first-use.ts';
import type { OidcProviderConfig } from '../../config-identity.ts';
import { ServiceUnavailableError } from '../../lib/errors.ts';

/** openid-client, at the first sign-in through a provider (8 MB of a node's memory otherwise held for nothing). */
const openid = onFirstUse(() => import('openid-client'));

/** What a provider said about the member once the code is exchanged and the ID token checked. */
export interface OidcClaims {
  subject: string;
  email: string | undefined;
  emailVerified: boolean;
  name: string;
  preferredUsername: string | undefined;
  nickname: string | undefined;
  picture: string | undefined;
  idToken: string | undefined;
}

/**
 * One provider through `openid-client`: its discovery document is fetched once (again after a failure), and every
 * check of the authorization code flow is the library's — PKCE (S256), state, nonce, the ID token's signature,
 * issuer, audience and expiry, and RFC 9207's `iss` when the provider sends it.
 */
export class OidcClient {
  private configuration: Promise<client.Configuration> | undefined;

  constructor(readonly provider: OidcProviderConfig) {}

  private discover(): Promise<client.Configuration> {
    this.configuration ??= openid()
      .then((lib) =>
        lib.discovery(
          new URL(this.provider.issuer),
          this.provider.clientId,
          this.provider.clientSecret,
          undefined,
          // Plain http only for a provider on this machine (config.ts refuses it elsewhere).
          new URL(this.provider.issuer).protocol === 'http:' ? { execute: [lib.allowInsecureRequests] } : undefined,
        ),
      )
      .catch((err: unknown) => {
        this.configuration = undefined;
        throw new ServiceUnavailableError(
          'identity.provider_unavailable',
          `${this.provider.label} cannot be reached at the moment. Try again in a few minutes.`,
          undefined,
          err,
        );
      });
    return this.configuration;
  }

  async authorizationUrl(input: { redirectUri: string; state: string; nonce: string; codeVerifier: string }) {
    const [lib, configuration] = await Promise.all([openid(), this.discover()]);
    return lib.buildAuthorizationUrl(configuration, {
      redirect_uri: input.redirectUri,
      scope: this.provider.scopes,
      code_challenge: await lib.calculatePKCECodeChallenge(input.codeVerifier),
      code_challenge_method: 'S256',
      state: input.state,
      nonce: input.nonce,
    }).href;
  }

  /** Throws the library's errors (a refused code, a bad token): the service turns them into a 4xx. */
  async exchange(input: { callbackUrl: URL; state: string; nonce: string; codeVerifier: string }): Promise<OidcClaims> {
    const lib = await openid();
    const configuration = await this.discover();
    const tokens = await lib.authorizationCodeGrant(configuration, input.callbackUrl, {
      pkceCodeVerifier: input.codeVerifier,
      expectedState: input.state,
      expectedNonce: input.nonce,
      idTokenExpected: true,
    });
    let claims: Record<string, unknown> = { ...tokens.claims() };
    // Many providers put e-mail and name only in the UserInfo answer, not in the ID token.
    if (claims.email === undefined && tokens.access_token) {
      const info = await lib.fetchUserInfo(configuration, tokens.access_token, String(claims.sub));
      claims = { ...info, ...claims, email: info.email, email_verified: info.email_verified };
    }
    const text = (key: string) => (typeof claims[key] === 'string' ? (claims[key] as string) : undefined);
    return {
      subject: String(claims.sub),
      email: text('email'),
      // Only a literal true counts: a missing claim or the string "true" is not a provider's word.
      emailVerified: claims.email_verified === true,
      name: text('name') ?? '',
      preferredUsername: text('preferred_username'),
      nickname: text('nickname'),
      picture: text('picture'),
      idToken: tokens.id_token,
    };
  }

  /** The provider's logout address (RP-initiated logout), when its metadata offers one. */
  async endSessionUrl(idToken: string | null, postLogoutRedirectUri: string): Promise<string | null> {
    const lib = await openid();
    const configuration = await this.discover().catch(() => null);
    if (!configuration?.serverMetadata().end_session_endpoint) return null;
    return lib.buildEndSessionUrl(configuration, {
      ...(idToken ? { id_token_hint: idToken } : { client_id: this.provider.clientId }),
      post_logout_redirect_uri: postLogoutRedirectUri,
    }).href;
  }
}
