import type { frIdentity } from './fr.identity.ts';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : { one: string; other: string } };

/** English strings of single sign-on (same keys as fr.identity.ts). */
export const enIdentity: Shape<typeof frIdentity> = {
  'sso.continueWith': 'Continue with {label}',
  'sso.or': 'or',
  'sso.providersOnly': 'Members sign in with their {label} account.',
  'sso.adminLogin': 'Emergency sign-in (administrators)',
  'sso.detail': 'The provider said: “{detail}”',
  'welcome.title': 'Welcome aboard!',
  'welcome.intro':
    'You are signed in with {label} ({email}). Choose the name the community will know you by: you cannot change it yourself afterwards.',
  'welcome.submit': 'Join the community',
  'welcome.restart': 'Sign in again',
  'identities.title': 'Sign-in accounts',
  'identities.hint': 'The accounts you can sign in here with.',
  'identities.linkedOn': 'linked on {date}',
  'identities.link': 'Link {label}',
  'identities.unlink': 'Unlink',
  'identities.unlinkLabel': 'Unlink {label}',
  'identities.none': 'No outside account is linked.',
  'identities.unlinked': '{label} is no longer linked to your account.',
  'identities.linked': '{label} is now linked to your account.',
  'identities.password': 'Password',
  'identities.passwordSet': 'set',
  'error.identity.state_invalid': 'This sign-in link has expired or was already used. Please sign in again.',
  'error.identity.nonce_invalid': 'This sign-in answer has expired or was already used. Please sign in again.',
  'error.identity.code_rejected': 'The provider refused this sign-in. Please try again.',
  'error.identity.provider_error': 'The provider did not sign you in.',
  'error.identity.provider_disabled': 'Signing in with this provider is turned off.',
  'error.identity.provider_unknown': 'There is no such sign-in provider here.',
  'error.identity.provider_unavailable': 'The sign-in provider does not answer. Try again in a few minutes.',
  'error.identity.email_missing': 'The provider did not share an e-mail address: allow it, then try again.',
  'error.identity.email_unverified':
    'An account already uses this address, and the provider has not verified it. Sign in with your password, then link the provider from your account.',
  'error.identity.linked_elsewhere': 'This outside account is already linked to another member.',
  'error.identity.provider_already_linked': 'Another account at this provider is already linked: unlink it first.',
  'error.identity.signup_not_found': 'This sign-up has expired. Sign in with the provider again.',
  'error.identity.last_login_method':
    'This is your only way to sign in: link another account before unlinking this one.',
  'error.identity.signature_invalid': 'The sign-in answer is not signed by the brand.',
  'error.identity.subject_missing': 'The sign-in answer does not name the account.',
  'error.identity.not_linked': 'This provider is not linked to your account.',
  'error.identity.link_needs_session': 'Sign in first to link an account.',
  'error.identity.failed': 'Signing in did not work. Please try again.',
  'error.auth.local_disabled': 'Members sign in with the brand’s account here, not a password.',
};
