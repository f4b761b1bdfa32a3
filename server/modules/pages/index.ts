/** pages: what search engines and feed readers read — robots.txt, sitemaps, RSS and Atom feeds. */
export { pagesRoutes, publicBase } from './pages.routes.ts';
export { PagesService, SITEMAP_URLS } from './pages.service.ts';
