import { browser } from '../env.ts';

type Theme = 'light' | 'dark';
const KEY = 'agora.theme';

/** Light or dark: the member's choice, else the system's. */
class ThemeState {
  current = $state<Theme>(this.initial());

  private initial(): Theme {
    if (!browser) return 'light';
    const stored = localStorage.getItem(KEY);
    if (stored === 'light' || stored === 'dark') return stored;
    return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }

  apply() {
    const root = document.documentElement;
    // Light is the stylesheets' default (they style [data-theme='dark'] only): a page already shown in the right
    // theme is left as it is, sparing a restyle of the whole document while a server-rendered page boots.
    if ((root.dataset.theme ?? 'light') !== this.current) root.dataset.theme = this.current;
  }

  toggle() {
    this.current = this.current === 'dark' ? 'light' : 'dark';
    localStorage.setItem(KEY, this.current);
    // The server renders the next page in this theme too (no flash of the other one).
    document.cookie = `${KEY}=${this.current}; path=/; max-age=31536000; samesite=lax`;
    this.apply();
  }
}

export const theme = new ThemeState();
