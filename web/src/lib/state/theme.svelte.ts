import { browser } from '../env.ts';

type Theme = 'light' | 'dark';
const KEY = 'agora.theme';

/** Light or dark: the member's choice, else the system's. */
class ThemeState {
  current = $state<Theme>(this.initial());

  private initial(): Theme {
    if (!browser) return 'light';
    // The theme the server read from the member's cookie (written with the stored choice); else the system's until
    // `restore` has looked at the storage: a browser's first read of localStorage is a request to its main
    // process (3 to 20 ms on our machines), which a page the server rendered does not wait for before showing.
    const rendered = document.documentElement.dataset.theme;
    if (rendered === 'light' || rendered === 'dark') return rendered;
    return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }

  /** A choice stored in this browser that the server did not know of (no cookie): taken up, and told to it. */
  restore() {
    const stored = localStorage.getItem(KEY);
    if (stored !== 'light' && stored !== 'dark') return;
    const told = document.cookie.split('; ').some((cookie) => cookie.startsWith(`${KEY}=`));
    if (stored !== this.current || !told) this.choose(stored);
  }

  apply() {
    const root = document.documentElement;
    // Light is the stylesheets' default (they style [data-theme='dark'] only): a page already shown in the right
    // theme is left as it is, sparing a restyle of the whole document while a server-rendered page boots.
    if ((root.dataset.theme ?? 'light') !== this.current) root.dataset.theme = this.current;
  }

  toggle() {
    this.choose(this.current === 'dark' ? 'light' : 'dark');
  }

  private choose(chosen: Theme) {
    this.current = chosen;
    localStorage.setItem(KEY, this.current);
    // The server renders the next page in this theme too (no flash of the other one).
    document.cookie = `${KEY}=${this.current}; path=/; max-age=31536000; samesite=lax`;
    this.apply();
  }
}

export const theme = new ThemeState();
