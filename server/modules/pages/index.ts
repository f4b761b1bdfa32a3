/** pages: what search engines, feed readers and first visits read — robots.txt, sitemaps, feeds, server-rendered pages. */
export { pagesRoutes, publicBase } from './pages.routes.ts';
export { PagesService, SITEMAP_URLS } from './pages.service.ts';
export { PageRenderer, type RenderedPage } from './page-renderer.ts';
export { PageAssets } from './page-assets.ts';
export { registerWeb } from './web.ts';
