import type { Api } from './api/client.ts';
import type { Site } from './api/types.ts';

/**
 * What a page's `load` (exported from its `<script module>`) gets: its route's props, the address's query, the
 * API to read from, and the site. The server calls it before rendering a public page (entry-server.ts) and
 * embeds what it returns, which the page then gets as its `data` prop, in the server's HTML and again when the
 * browser hydrates that HTML: the first view needs no second fetch. On later navigations a page gets no `data`
 * and loads as it always has.
 */
export interface LoadContext<P = Record<string, never>> {
  props: P;
  search: URLSearchParams;
  api: Api;
  site: Site | null;
}

/** The number of a paged view from its `page` parameter: 1 when missing or not a positive number. */
export const pageParam = (value: string | null): number => Math.max(1, Math.floor(Number(value)) || 1);
