import { hydrate, mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import type { PageState } from './entry-server.ts';
import { seedFormats } from './lib/i18n/formatters.ts';
import { i18n, loadMessages, preferredLocale } from './lib/i18n/index.svelte.ts';
import { match, notFoundRoute, pageModule } from './lib/routes.ts';
import { session } from './lib/state/session.svelte.ts';
import { theme } from './lib/state/theme.svelte.ts';

theme.apply();
const target = document.getElementById('app')!;
const embedded = document.getElementById('agora-state');

if (embedded?.textContent) {
  // A page the server rendered: the same state it rendered with, the page's code loaded, then the markup adopted
  // as it is (no second fetch, no jump).
  const state = JSON.parse(embedded.textContent) as PageState;
  i18n.locale = state.locale;
  session.start(state.site, state.me);
  // Only the page's language is downloaded (the server preloads its chunk, as it does the page's).
  await Promise.all([
    loadMessages(state.locale),
    pageModule(state.missing ? notFoundRoute : match(location.pathname).route),
  ]);
  // The page's chunks are usually here already (the server preloads them): the browser gets to paint and to
  // handle input between running the app's modules and hydrating, rather than doing both in one long task.
  await new Promise((resolve) => setTimeout(resolve, 0));
  // Hydration reads the figures and dates as the server wrote them: no `Intl` locale data to load for the page.
  seedFormats(state.formats);
  hydrate(App, { target, props: { initial: { address: state.address, data: state.data, missing: state.missing } } });
  // The page's stylesheets came for print media so as not to hold the first paint back (the server wrote the
  // rendered components' styles into the page): now for the screen too, for what the server did not render.
  for (const link of document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"][data-deferred]'))
    link.media = 'all';
  // A language or theme chosen in this browser before the server knew of it (no cookie yet) wins, and is told to
  // the server: looked at in a task of its own, the page being usable already.
  setTimeout(() => {
    theme.restore();
    const preferred = preferredLocale();
    if (localStorage.getItem('agora.locale') && preferred !== state.locale) void i18n.set(preferred);
  }, 0);
} else {
  theme.restore();
  i18n.locale = preferredLocale();
  void session.load();
  await loadMessages(i18n.locale);
  mount(App, { target });
}
// The app has taken over: server-rendered buttons now act (browser tests wait for it).
document.documentElement.dataset.ready = '';
