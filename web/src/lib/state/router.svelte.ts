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
