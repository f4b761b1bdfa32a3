import { render } from 'svelte/server';
import App from './App.svelte';
import { ApiError, createApi } from './lib/api/client.ts';
import type { Me, Site } from './lib/api/types.ts';
import { recordFormats } from './lib/i18n/formatters.ts';
import { i18n, loadMessages, type Locale } from './lib/i18n/index.svelte.ts';
import { match, notFoundRoute, pageModule } from './lib/routes.ts';
import { router } from './lib/state/router.svelte.ts';
import { session } from './lib/state/session.svelte.ts';

/**
 * Server rendering of the public pages: the same Svelte components as the browser's, rendered to HTML with the
 * data their page's `load` returns (loading.ts), read through the server's own HTTP layer with the reader's
 * cookies. The HTML carries that data (and the site, and who is signed in) for the browser, which hydrates it
 * (main.ts) without fetching it again. Built by Vite into web/dist-server (scripts/build.mjs); the server's
 * pages module calls it (server/modules/pages/page-renderer.ts).
 */
export interface RenderRequest {
  /** The address asked for: path and query. */
  url: string;
  /** The API, in process (the server's `inject`); relative URLs are resolved against an internal origin. */
  fetch: (request: Request) => Promise<Response>;
  /** The reader's language (their cookie, else their browser's), or null for the community's own. */
  locale: Locale | null;
  /** Whether the request carries a session cookie: only then is there anyone to ask `/api/me` about. */
  signedIn: boolean;
}

/** A page whose data is in, ready to render. */
export interface LoadedPage {
  /** 200, or 404 when the page's data is missing (an unknown member, badge or thread). */
  status: number;
  locale: Locale;
  /**
   * The page component's source file as the browser build's manifest names it (`src/pages/Thread.svelte`): the
   * server declares that page's chunks in the HTML, so the browser fetches them with the app's own.
   */
  source: string | undefined;
  render(): RenderedPage;
}

export interface RenderedPage {
  /** Markup for <head> (components' styles). */
  head: string;
  /** The app's markup, for <div id="app">. */
  body: string;
  /** The data the browser hydrates with, as JSON safe inside a <script> element. */
  state: string;
}

/** What the browser reads back from the page (main.ts). */
export interface PageState {
  address: string;
  locale: Locale;
  site: Site | null;
  me: Me | null;
  data: unknown;
  /** The page's data does not exist: the "not found" page was rendered instead. */
  missing: boolean;
  /** The figures and dates as the server formatted them, which hydration reuses (i18n/formatters.ts). */
  formats: Record<string, string>;
}

const INTERNAL = 'http://agora.internal';

/** Every page module by source file, to name the one a route loaded (the route table holds only its loader). */
const pageFiles = import.meta.glob('./pages/*.svelte');
let sources: Promise<Map<unknown, string>> | undefined;

/** The source file of a loaded page module (`src/pages/Home.svelte`). */
async function sourceOf(module: unknown): Promise<string | undefined> {
  sources ??= Promise.all(
    Object.entries(pageFiles).map(async ([file, load]) => [await load(), `src/${file.slice(2)}`] as const),
  ).then((entries) => new Map(entries));
  return (await sources).get(module);
}

/** The page for a public address, or null when its route is for members or staff (rendered in the browser). */
export async function loadPage(request: RenderRequest): Promise<LoadedPage | null> {
  const url = new URL(request.url, INTERNAL);
  const found = match(url.pathname);
  if (found.route.access !== 'visitor') return null;
  const api = createApi({ fetch: request.fetch, baseUrl: INTERNAL });
  const [site, me] = await Promise.all([
    api.site().catch(() => null),
    request.signedIn
      ? api.me().then(
          (r) => r.member,
          () => null,
        )
      : null,
  ]);
  let module = await pageModule(found.route);
  let data: unknown;
  let missing = false;
  try {
    data = await module.load?.({ props: found.props, search: url.searchParams, api, site });
  } catch (err) {
    if (!(err instanceof ApiError) || (err.status !== 404 && err.status !== 400)) throw err;
    // An unknown thread, member or badge: the "not found" page, said plainly and with its status.
    missing = true;
    module = await pageModule(notFoundRoute);
  }
  const source = await sourceOf(module);
  const status = missing ? 404 : 200;
  const address = url.pathname + url.search;
  const locale: Locale = request.locale ?? (site?.defaultLocale === 'en' ? 'en' : 'fr');
  // Loaded once per language and process; render() below is synchronous and needs it here.
  await loadMessages(locale);
  return {
    status,
    locale,
    source,
    render() {
      // The app's state lives in modules shared by every request: set for this one, rendered at once (render
      // is synchronous, so no other request runs in between), then left as a browser would start.
      router.at(url);
      i18n.locale = locale;
      session.start(site, me);
      try {
        // Svelte renders when the result's markup is first read: read inside, so that the formats are recorded.
        const { result, formats } = recordFormats(() => {
          const { head, body } = render(App, { props: { initial: { address, data, missing } } });
          return { head, body };
        });
        const { head, body } = result;
        const state: PageState = { address, locale, site, me, data, missing, formats };
        return { head, body, state: serialise(state) };
      } finally {
        session.start(null, null);
      }
    },
  };
}

/** JSON that cannot close its <script> element or open a comment. */
function serialise(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
