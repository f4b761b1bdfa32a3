import type { Component } from 'svelte';
import type { MessageKey } from './i18n/index.svelte.ts';
import type { LoadContext } from './loading.ts';
import { paths } from './paths.ts';
import type { Access } from './state/session.svelte.ts';

/**
 * Every page of the app in one table: adding a page is one entry in `routes` (and a builder in paths.ts when
 * other pages link to it). App.svelte matches the router's path against the table and renders the page it
 * finds; each page is its own chunk, loaded when first visited. Only the app's shell imports this module.
 */

// Props differ from page to page: `route()` checks each entry's props against its page, then the table forgets them.
type AnyProps = any;
type Params = Record<string, string | undefined>;

export interface Route<P extends Record<string, unknown> = AnyProps> {
  /** A fixed address, matched exactly… */
  path?: string;
  /** …or a pattern for the whole path, whose named groups are the page's parameters (URI-decoded). */
  pattern?: RegExp;
  page: () => Promise<PageModule<P>>;
  props?: (params: Params) => P;
  /** Who the page is for: the header offers its links to them (the API still decides what each request may do). */
  access: Access;
  /** Names the page in the browser's tab (pages named after their content set the title themselves). */
  title?: MessageKey;
  /** Listed in the account menu under its `title`, in table order (needs a fixed `path`). */
  menu?: boolean;
  /** A fresh page whenever this changes; otherwise the page stays and gets its new props. */
  identity?: (props: P) => string | number;
}

/** A page's module: its component, and for a public page what it needs to render on the server (loading.ts). */
export interface PageModule<P extends Record<string, unknown>> {
  default: Component<P>;
  load?: (context: LoadContext<AnyProps>) => Promise<unknown>;
}

/** Checks an entry: its props fit its page, and a page with required props gets them. */
function route<P extends Record<string, unknown>>(
  entry: Route<P> & (Record<string, never> extends P ? unknown : { props: Route<P>['props'] & {} }),
): Route {
  return entry;
}

export const routes = {
  home: route({ pattern: /^\/?$/, page: () => import('../pages/Home.svelte'), access: 'visitor' }),
  category: route({
    pattern: /^\/c\/(?<slug>[^/]+)\/?$/,
    page: () => import('../pages/Category.svelte'),
    props: (p) => ({ slug: p.slug! }),
    access: 'visitor',
  }),
  thread: route({
    pattern: /^\/t\/(?<id>\d{1,10})(?:\/[^/]*)?\/?$/,
    page: () => import('../pages/Thread.svelte'),
    props: (p) => ({ id: Number(p.id) }),
    identity: (p) => p.id,
    access: 'visitor',
  }),
  new: route({ path: paths.newThread(), page: () => import('../pages/NewThread.svelte'), access: 'member' }),
  login: route({ path: paths.login(), page: () => import('../pages/Login.svelte'), access: 'visitor' }),
  register: route({ path: paths.register(), page: () => import('../pages/Register.svelte'), access: 'visitor' }),
  welcome: route({
    path: paths.welcome(),
    page: () => import('../pages/Welcome.svelte'),
    access: 'visitor',
    title: 'welcome.title',
  }),
  moderation: route({ path: paths.moderation(), page: () => import('../pages/Moderation.svelte'), access: 'staff' }),
  rules: route({ path: paths.rules(), page: () => import('../pages/Rules.svelte'), access: 'staff' }),
  badges: route({
    pattern: /^\/badges(?:\/(?<key>[a-z0-9_]+)\/?)?$/,
    page: () => import('../pages/Badges.svelte'),
    props: (p) => ({ key: p.key }),
    access: 'visitor',
  }),
  leaderboard: route({
    path: paths.leaderboard(),
    page: () => import('../pages/Leaderboard.svelte'),
    access: 'visitor',
  }),
  search: route({ path: paths.search(), page: () => import('../pages/Search.svelte'), access: 'visitor' }),
  ideas: route({
    path: paths.ideas(),
    page: () => import('../pages/Ideas.svelte'),
    access: 'visitor',
    title: 'ideas.title',
  }),
  notifications: route({
    path: paths.notifications(),
    page: () => import('../pages/Notifications.svelte'),
    access: 'member',
    title: 'notifications.title',
    menu: true,
  }),
  health: route({
    path: paths.health(),
    page: () => import('../pages/Health.svelte'),
    access: 'manager',
    title: 'health.title',
    menu: true,
  }),
  admin: route({
    path: paths.admin(),
    page: () => import('../pages/Admin.svelte'),
    access: 'manager',
    title: 'admin.title',
    menu: true,
  }),
  members: route({
    path: paths.members(),
    page: () => import('../pages/Members.svelte'),
    access: 'manager',
    title: 'members.title',
    menu: true,
  }),
  scheduled: route({
    path: paths.scheduled(),
    page: () => import('../pages/Scheduled.svelte'),
    access: 'manager',
    title: 'schedule.title',
    menu: true,
  }),
  forgotPassword: route({
    path: paths.forgotPassword(),
    page: () => import('../pages/ForgotPassword.svelte'),
    access: 'visitor',
    title: 'forgot.title',
  }),
  resetPassword: route({
    path: paths.resetPassword(),
    page: () => import('../pages/ResetPassword.svelte'),
    access: 'visitor',
    title: 'reset.title',
  }),
  verifyEmail: route({
    path: paths.verifyEmail(),
    page: () => import('../pages/VerifyEmail.svelte'),
    access: 'visitor',
    title: 'verify.title',
  }),
  account: route({
    path: paths.account(),
    page: () => import('../pages/Account.svelte'),
    access: 'member',
    title: 'account.title',
    menu: true,
  }),
  bookmarks: route({
    path: paths.bookmarks(),
    page: () => import('../pages/Bookmarks.svelte'),
    access: 'member',
    title: 'bookmarks.title',
    menu: true,
  }),
  unsubscribe: route({
    path: paths.unsubscribe(),
    page: () => import('../pages/Unsubscribe.svelte'),
    access: 'visitor',
    title: 'unsubscribe.title',
  }),
  newsletters: route({
    path: paths.newsletters(),
    page: () => import('../pages/Newsletters.svelte'),
    access: 'manager',
    title: 'newsletters.title',
    menu: true,
  }),
  outbox: route({
    path: paths.outbox(),
    page: () => import('../pages/MailOutbox.svelte'),
    access: 'admin',
    title: 'outbox.title',
    menu: true,
  }),
  tags: route({
    path: paths.tags(),
    page: () => import('../pages/Tags.svelte'),
    access: 'visitor',
    title: 'tags.title',
  }),
  tag: route({
    pattern: /^\/tags\/(?<name>[^/]+)\/?$/,
    page: () => import('../pages/Tag.svelte'),
    props: (p) => ({ name: p.name! }),
    identity: (p) => p.name,
    access: 'visitor',
  }),
  // Private messages and invitations (issue 19).
  messages: route({
    path: paths.messages(),
    page: () => import('../pages/Inbox.svelte'),
    access: 'member',
    title: 'messages.title',
    menu: true,
  }),
  newMessage: route({
    path: paths.newMessage(),
    page: () => import('../pages/NewMessage.svelte'),
    access: 'member',
    title: 'messages.new',
  }),
  conversation: route({
    pattern: /^\/messages\/(?<id>\d{1,10})\/?$/,
    page: () => import('../pages/Conversation.svelte'),
    props: (p) => ({ id: Number(p.id) }),
    identity: (p) => p.id,
    access: 'member',
  }),
  invitations: route({
    path: paths.invitations(),
    page: () => import('../pages/Invitations.svelte'),
    access: 'member',
    title: 'invitations.title',
    menu: true,
  }),
  profile: route({
    pattern: /^\/u\/(?<username>[^/]+)\/?$/,
    page: () => import('../pages/Profile.svelte'),
    props: (p) => ({ username: p.username! }),
    access: 'visitor',
  }),
} satisfies Record<string, Route>;

/** The account menu's pages, in table order. */
export const menu = Object.values(routes).filter(
  (r: Route): r is Route & { path: string; title: MessageKey } => !!r.menu && !!r.path && !!r.title,
);

const notFound = route({ page: () => import('../pages/NotFound.svelte'), access: 'visitor' });

export type RouteName = keyof typeof routes;

export interface Match {
  name: RouteName | 'notFound';
  route: Route;
  props: Record<string, unknown>;
  /** Changes when the page must start afresh (see `Route.identity`). */
  identity: string;
}

/** The route's parameters for the path, or null when it does not match (or a %-escape is malformed). */
function parameters(route: Route, path: string): Params | null {
  if (route.path !== undefined) return route.path === path ? {} : null;
  const found = route.pattern?.exec(path);
  if (!found) return null;
  const params: Params = {};
  try {
    for (const [name, value] of Object.entries(found.groups ?? {}))
      params[name] = value === undefined ? undefined : decodeURIComponent(value);
  } catch {
    return null;
  }
  return params;
}

/** The page for a path (without its query or hash). */
export function match(path: string): Match {
  for (const [name, route] of Object.entries(routes) as [RouteName, Route][]) {
    const params = parameters(route, path);
    if (!params) continue;
    const props = route.props?.(params) ?? {};
    return { name, route, props, identity: route.identity ? `${name}:${route.identity(props)}` : name };
  }
  return { name: 'notFound', route: notFound, props: {}, identity: 'notFound' };
}

/** A matched page ready to render, its props with it (so that a page never gets the props of the next one). */
export interface View {
  page: Component<AnyProps>;
  match: Match;
}

const loaded = new Map<Route, PageModule<AnyProps>>();

/** The page's module, loaded once (the server and the hydrating browser wait for it before rendering). */
export async function pageModule(route: Route): Promise<PageModule<AnyProps>> {
  let module = loaded.get(route);
  if (!module) loaded.set(route, (module = await route.page()));
  return module;
}

/** The page to render for a match: at once when its chunk is already here, else once it has loaded. */
export function view(match: Match): View | Promise<View> {
  const module = loaded.get(match.route);
  if (module) return { page: module.default, match };
  return pageModule(match.route).then((m) => ({ page: m.default, match }));
}

/** The route that answers when no other does. */
export const notFoundRoute: Route = notFound;
