import type { IdentityConfig } from '../../config-identity.ts';
import type { Db } from '../../db/kysely.ts';
import { AppError, BadRequestError, ForbiddenError, NotFoundError } from '../../lib/errors.ts';
import { encodeRequest, verifyResponse } from './discourse-connect.ts';
import { IdentityRepository } from './identity.repository.ts';
import { type Arrival, hashToken, type IdentityService, randomToken } from './identity.service.ts';
import { OidcClient } from './oidc.client.ts';
import { proposeUsername } from './username-hint.ts';

const STATE_MS = 10 * 60_000;

export interface StartInput {
  provider: string;
  intent: 'login' | 'link';
  memberId: number | null;
  returnTo: string | undefined;
  /** The browser's binding cookie, when it has one (several tabs may sign in at once). */
  binding: string | undefined;
  /** The site's own address, e.g. https://forum.example (callbacks are built on it). */
  base: string;
}

/** Only a path of this site: never another host (an open redirect), never the API. */
export function safeReturnTo(value: string | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  if (value.startsWith('/api/') || /[\r\n]/.test(value)) return '/';
  return value.slice(0, 500);
}

/**
 * Starting and finishing a sign-in at a provider. Each start writes one `sso_states` row (state, nonce, PKCE
 * verifier) bound to the browser by the hash of a cookie; the callback takes the row (single use) and refuses it
 * from another browser, late, or for another provider — so a callback URL replayed, forged or carried to a victim
 * signs nobody in.
 */
export class SignInFlows {
  private readonly clients: Map<string, OidcClient>;

  constructor(
    private readonly db: Db,
    private readonly config: IdentityConfig,
    private readonly identities: IdentityService,
  ) {
    this.clients = new Map(config.oidc.map((p) => [p.id, new OidcClient(p)]));
  }

  /** What the login page shows: the enabled providers, in the configured order. */
  providers() {
    return [
      ...this.config.oidc.filter((p) => p.enabled).map((p) => ({ id: p.id, label: p.label, kind: 'oidc' as const })),
      ...(this.config.discourse
        ? [{ id: 'discourse', label: this.config.discourse.label, kind: 'discourse' as const }]
        : []),
    ];
  }

  private kindOf(provider: string): 'oidc' | 'discourse' {
    if (provider === 'discourse' && this.config.discourse) return 'discourse';
    const oidc = this.config.oidc.find((p) => p.id === provider);
    if (!oidc) throw new NotFoundError('identity.provider_unknown', `No sign-in provider "${provider}" here.`);
    if (!oidc.enabled)
      throw new ForbiddenError('identity.provider_disabled', `Sign-in with ${oidc.label} is turned off.`);
    return 'oidc';
  }

  static callbackUrl(base: string, provider: string) {
    return `${base}/api/auth/sso/${provider}/callback`;
  }

  /** The provider's address to send the browser to, and the binding cookie's value. */
  async start(input: StartInput): Promise<{ location: string; binding: string }> {
    const kind = this.kindOf(input.provider);
    if (input.intent === 'link' && input.memberId === null) {
      throw new BadRequestError('identity.link_needs_session', 'Sign in first to link a provider to your account.');
    }
    const binding = input.binding && /^[a-z2-7]{32}$/.test(input.binding) ? input.binding : randomToken();
    const state = randomToken();
    const nonce = randomToken();
    const codeVerifier = kind === 'oidc' ? randomToken() + randomToken() : '';
    const redirectUri = SignInFlows.callbackUrl(input.base, input.provider);
    const location =
      kind === 'oidc'
        ? await this.clients.get(input.provider)!.authorizationUrl({ redirectUri, state, nonce, codeVerifier })
        : this.discourseLocation(nonce, redirectUri);
    await new IdentityRepository(this.db).createState({
      // DiscourseConnect carries no state: its nonce is the key the callback finds the row by.
      id: hashToken(kind === 'oidc' ? state : nonce),
      provider: input.provider,
      binding: hashToken(binding),
      nonce,
      codeVerifier,
      intent: input.intent,
      memberId: input.memberId,
      returnTo: safeReturnTo(input.returnTo),
      expiresAt: new Date(Date.now() + STATE_MS),
    });
    return { location, binding };
  }

  private discourseLocation(nonce: string, returnUrl: string): string {
    const { sso, sig } = encodeRequest({ nonce, return_sso_url: returnUrl }, this.config.discourse!.secret);
    const url = new URL(this.config.discourse!.url);
    url.searchParams.set('sso', sso);
    url.searchParams.set('sig', sig);
    return url.href;
  }

  async finish(
    provider: string,
    query: Record<string, string | undefined>,
    binding: string | undefined,
    base: string,
  ): Promise<Arrival> {
    const kind = this.kindOf(provider);
    if (kind === 'discourse') return this.finishDiscourse(query, binding);
    if (query.error) {
      throw new BadRequestError('identity.provider_error', 'The provider did not sign you in.', {
        error: query.error.slice(0, 100),
        description: query.error_description?.slice(0, 300),
      });
    }
    const row = await this.takeState(query.state, provider, binding);
    const callbackUrl = new URL(SignInFlows.callbackUrl(base, provider));
    for (const [key, value] of Object.entries(query)) if (value !== undefined) callbackUrl.searchParams.set(key, value);
    const claims = await this.clients
      .get(provider)!
      .exchange({ callbackUrl, state: query.state!, nonce: row.nonce, codeVerifier: row.code_verifier })
      .catch((err: unknown) => {
        if (err instanceof AppError) throw err;
        throw new BadRequestError('identity.code_rejected', 'The provider refused this sign-in. Please try again.', {
          reason: err instanceof Error ? err.message.slice(0, 200) : undefined,
        });
      });
    return this.identities.arrive(
      {
        provider,
        subject: claims.subject,
        email: claims.email,
        emailVerified: claims.emailVerified,
        name: claims.name,
        usernameHint: proposeUsername(claims),
        avatarUrl: claims.picture ?? null,
        groups: null,
        idToken: claims.idToken ?? null,
      },
      { intent: row.intent as 'login' | 'link', memberId: row.member_id, returnTo: row.return_to },
    );
  }

  private async finishDiscourse(query: Record<string, string | undefined>, binding: string | undefined) {
    const payload = verifyResponse(query.sso ?? '', query.sig ?? '', this.config.discourse!.secret);
    if (!payload)
      throw new BadRequestError('identity.signature_invalid', 'The sign-in answer is not signed by the brand.');
    const row = await this.takeState(payload.get('nonce') ?? undefined, 'discourse', binding, true);
    const externalId = payload.get('external_id')?.trim();
    if (!externalId) throw new BadRequestError('identity.subject_missing', 'The sign-in answer names no external_id.');
    const email = payload.get('email')?.trim() || undefined;
    const groups = (payload.get('groups') ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
    return this.identities.arrive(
      {
        provider: 'discourse',
        subject: externalId,
        email,
        // DiscourseConnect's contract: the address is verified unless the brand asks us to check it.
        emailVerified: payload.get('require_activation') !== 'true',
        name: payload.get('name') ?? '',
        usernameHint: proposeUsername({
          preferredUsername: payload.get('username') ?? undefined,
          name: payload.get('name') ?? undefined,
          email,
        }),
        avatarUrl: safeAvatar(payload.get('avatar_url')),
        groups,
        idToken: null,
      },
      { intent: row.intent as 'login' | 'link', memberId: row.member_id, returnTo: row.return_to },
    );
  }

  private async takeState(key: string | undefined, provider: string, binding: string | undefined, isNonce = false) {
    const row = key ? await new IdentityRepository(this.db).takeState(hashToken(key)) : undefined;
    const valid =
      row &&
      row.provider === provider &&
      row.expires_at.getTime() > Date.now() &&
      binding !== undefined &&
      row.binding === hashToken(binding);
    if (!valid) {
      throw new BadRequestError(
        isNonce ? 'identity.nonce_invalid' : 'identity.state_invalid',
        'This sign-in link has expired or was already used. Please sign in again.',
      );
    }
    return row;
  }

  /** The provider's logout address for this session, when it came from a provider that offers one. */
  async endSessionUrl(sessionId: string | undefined, base: string): Promise<string | null> {
    if (!sessionId || !this.config.providerLogout) return null;
    const link = await this.identities.sessionIdentity(sessionId);
    const client = link ? this.clients.get(link.provider) : undefined;
    return client ? client.endSessionUrl(link!.id_token, `${base}/`) : null;
  }
}

function safeAvatar(value: string | null): string | null {
  if (!value) return null;
  try {
    return new URL(value).protocol === 'https:' ? value.slice(0, 1000) : null;
  } catch {
    return null;
  }
}
