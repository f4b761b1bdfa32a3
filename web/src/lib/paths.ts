/**
 * How each page's address is written: links are built here, never by hand. The route table (routes.ts) matches
 * these addresses; this module imports nothing, so that any page or component may link without depending on
 * the table that loads every page.
 */

type Query = Record<string, string | number | null | undefined>;

/** Appends the query's non-empty values, in order. */
function withQuery(path: string, query: Query = {}): string {
  const pairs = Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return pairs.length ? `${path}?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&')}` : path;
}

export const paths = {
  home: () => '/',
  category: (slug: string, query?: { sort?: string; cursor?: string; tag?: string }) =>
    withQuery(`/c/${encodeURIComponent(slug)}`, query),
  /** A thread, at `page` (1 is left out) and scrolled to `post` when given. */
  thread: (id: number, at: { page?: number; post?: number | null } = {}) =>
    withQuery(`/t/${id}`, { page: at.page && at.page > 1 ? at.page : undefined }) + (at.post ? `#post-${at.post}` : ''),
  newThread: (query?: { category?: string; title?: string; kind?: string }) => withQuery('/new', query),
  /** The login form, coming back to `next` once signed in (its slashes kept readable). */
  login: (next?: string) => (next ? `/login?next=${encodeURIComponent(next).replaceAll('%2F', '/')}` : '/login'),
  register: () => '/register',
  profile: (username: string) => `/u/${encodeURIComponent(username)}`,
  moderation: () => '/moderation',
  rules: () => '/moderation/rules',
  badges: () => '/badges',
  badge: (key: string) => `/badges/${encodeURIComponent(key)}`,
  leaderboard: (query?: { period?: string; category?: number | null }) => withQuery('/leaderboard', query),
  search: (query?: { q?: string }) => withQuery('/search', query),
  ideas: (query?: { status?: string; sort?: string; offset?: number }) => withQuery('/ideas', query),
  notifications: () => '/notifications',
  health: (query?: { days?: number }) => withQuery('/health', query),
  members: () => '/members',
  admin: (tab?: string) => withQuery('/admin', { tab }),
  scheduled: () => '/scheduled',
  forgotPassword: () => '/forgot-password',
  resetPassword: () => '/reset-password',
  verifyEmail: () => '/verify-email',
  account: () => '/account',
  outbox: () => '/admin/mail',
  newsletters: () => '/newsletters',
  unsubscribe: () => '/unsubscribe',
  /** Where the browser goes to sign in (or, signed in, to link) with a provider: a server route, not a page. */
  ssoStart: (provider: string, query: { returnTo?: string; intent?: 'link' } = {}) =>
    withQuery(`/api/auth/sso/${encodeURIComponent(provider)}/start`, query),
  welcome: () => '/welcome',
  // social (issue 19)
  tags: () => '/tags',
  tag: (name: string, query?: { category?: string; cursor?: string }) =>
    withQuery(`/tags/${encodeURIComponent(name)}`, query),
  // Private messages and invitations (issue 19).
  messages: (query?: { tab?: string }) => withQuery('/messages', query),
  conversation: (id: number) => `/messages/${id}`,
  newMessage: (query?: { to?: string; team?: number }) => withQuery('/messages/new', query),
  invitations: () => '/invitations',
  bookmarks: () => '/bookmarks',
};
