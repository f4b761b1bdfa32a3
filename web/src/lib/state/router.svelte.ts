/** A small History-API router: the URL is the state; links are plain <a href> intercepted in App.svelte. */
class Router {
  path = $state(location.pathname);
  search = $state(location.search);
  hash = $state(location.hash);

  constructor() {
    window.addEventListener('popstate', () => this.sync());
  }

  private sync() {
    this.path = location.pathname;
    this.search = location.search;
    this.hash = location.hash;
  }

  navigate(url: string, options: { replace?: boolean } = {}) {
    if (options.replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    this.sync();
    if (!location.hash) window.scrollTo(0, 0);
  }

  param(name: string): string | null {
    return new URLSearchParams(this.search).get(name);
  }
}

export const router = new Router();

export type Route =
  | { name: 'home' }
  | { name: 'category'; slug: string }
  | { name: 'thread'; id: number }
  | { name: 'new' }
  | { name: 'login' }
  | { name: 'register' }
  | { name: 'profile'; username: string }
  | { name: 'moderation' }
  | { name: 'badges'; key?: string }
  | { name: 'leaderboard' }
  | { name: 'rules' }
  | { name: 'search' }
  | { name: 'notifications' }
  | { name: 'scheduled' }
  | { name: 'ideas' }
  | { name: 'health' }
  | { name: 'members' }
  | { name: 'notFound' };

export function match(path: string): Route {
  let m: RegExpExecArray | null;
  if (path === '/' || path === '') return { name: 'home' };
  if ((m = /^\/c\/([^/]+)\/?$/.exec(path))) return { name: 'category', slug: decodeURIComponent(m[1]!) };
  if ((m = /^\/t\/(\d{1,10})(?:\/[^/]*)?\/?$/.exec(path))) return { name: 'thread', id: Number(m[1]) };
  if (path === '/new') return { name: 'new' };
  if (path === '/login') return { name: 'login' };
  if (path === '/register') return { name: 'register' };
  if (path === '/moderation') return { name: 'moderation' };
  if (path === '/badges') return { name: 'badges' };
  if ((m = /^\/badges\/([a-z0-9_]+)\/?$/.exec(path))) return { name: 'badges', key: m[1]! };
  if (path === '/leaderboard') return { name: 'leaderboard' };
  if (path === '/search') return { name: 'search' };
  if (path === '/notifications') return { name: 'notifications' };
  if (path === '/scheduled') return { name: 'scheduled' };
  if (path === '/ideas') return { name: 'ideas' };
  if (path === '/health') return { name: 'health' };
  if (path === '/members') return { name: 'members' };
  if (path === '/moderation/rules') return { name: 'rules' };
  if ((m = /^\/u\/([^/]+)\/?$/.exec(path))) return { name: 'profile', username: decodeURIComponent(m[1]!) };
  return { name: 'notFound' };
}
