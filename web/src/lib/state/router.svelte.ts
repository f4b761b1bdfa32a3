import { browser } from '../env.ts';

/** A small History-API router: the URL is the state; links are plain <a href> intercepted in App.svelte. */
class Router {
  path = $state(browser ? location.pathname : '/');
  search = $state(browser ? location.search : '');
  hash = $state(browser ? location.hash : '');

  constructor() {
    if (browser) window.addEventListener('popstate', () => this.sync());
  }

  private sync() {
    this.path = location.pathname;
    this.search = location.search;
    this.hash = location.hash;
  }

  /** Where the server renders: the address the reader asked for (the server has no `location`). */
  at(url: URL) {
    this.path = url.pathname;
    this.search = url.search;
    this.hash = '';
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
