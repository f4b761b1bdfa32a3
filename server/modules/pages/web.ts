import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import { PageAssets } from './page-assets.ts';
import { PageRenderer, type RenderedPage } from './page-renderer.ts';
import { publicBase } from './pages.routes.ts';
import type { PagesService } from './pages.service.ts';

/**
 * The built Svelte app. Public pages are rendered on the server (PageRenderer) inside index.html, with their own
 * <head> (title, description, canonical, cards, structured data); every other non-API path gets the shell with
 * its head, and the browser renders it (client-side routing).
 */
export async function registerWeb(app: FastifyInstance, config: Config, pages: PagesService): Promise<void> {
  const indexFile = path.join(config.webDist, 'index.html');
  const hasWeb = existsSync(indexFile);
  const shell = hasWeb ? inlineStylesheets(readFileSync(indexFile, 'utf8'), config.webDist) : '';
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: config.webDist,
      wildcard: false,
      index: false,
      // The build's manifest is for the server (PageAssets), not for browsers.
      allowedPath: (pathName) => !pathName.startsWith('/.vite/'),
      // scripts/build.mjs writes .br and .gz beside each file: served as they are, no compression per request.
      preCompressed: true,
      setHeaders: (res, filePath) => {
        const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
        res.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  const renderer = hasWeb ? await PageRenderer.open(config.webSsr, app) : null;
  const assets = hasWeb ? PageAssets.open(config.webDist, shell) : null;

  /** The shell around a page: its head, its language and theme, and the server's markup and data when rendered. */
  const compose = async (request: FastifyRequest, rendered: RenderedPage | null) => {
    const head = await pages.pageHead(request.url, publicBase(config, request));
    const { theme, locale } = PageRenderer.preferences(request);
    const lang = rendered?.locale ?? head.lang;
    // The brand's colour (site settings, checked readable under white text) for the light theme.
    const accent = head.accent
      ? `<meta name="theme-color" content="${head.accent}" /><style>:root:not([data-theme='dark']){--brand:${head.accent};--brand-strong:color-mix(in srgb,${head.accent} 75%,black);--brand-soft:color-mix(in srgb,${head.accent} 12%,white)}</style>`
      : '';
    // The site's favicon (uploaded from the console, PNG at 32/180/192 px) in place of Agora's.
    const icons = head.favicon
      ? `<link rel="icon" type="image/png" sizes="32x32" href="${head.favicon.replace('/f192.png', '/f32.png')}" /><link rel="icon" type="image/png" sizes="192x192" href="${head.favicon}" /><link rel="apple-touch-icon" href="${head.favicon.replace('/f192.png', '/f180.png')}" />`
      : null;
    let html = shell
      .replace(/<link rel="icon" href="\/favicon\.svg"[^>]*>/, (agora) => icons ?? agora)
      .replace(/<html lang="[^"]*">/, `<html lang="${lang}"${theme ? ` data-theme="${theme}"` : ''}>`)
      .replace(/<title>[^<]*<\/title>/, () => head.markup + accent);
    if (!rendered) {
      // The browser renders this page in the reader's language (web/src/main.ts reads the same choice): its
      // dictionary is fetched beside the entry rather than after it.
      const links = assets?.links(undefined, locale ?? (head.lang === 'en' ? 'en' : 'fr'));
      if (links) html = html.replace('</head>', () => `${links.head}</head>`);
    } else {
      const links = assets?.links(rendered.source, rendered.locale) ?? { head: '', body: '' };
      html = html
        .replace('</head>', () => `${rendered.head}${links.head}</head>`)
        .replace(
          '<div id="app"></div>',
          () =>
            `<div id="app">${rendered.body}</div><script type="application/json" id="agora-state">${rendered.state}</script>${links.body}`,
        );
    }
    // The head's answer wins when it knows better (a deleted thread is gone: 410).
    const status = head.status !== 200 ? head.status : (rendered?.status ?? 200);
    return { status, html };
  };

  app.setNotFoundHandler(async (request, reply) => {
    const wantsPage = request.method === 'GET' && !request.url.startsWith('/api/') && request.url !== '/healthz';
    if (wantsPage && hasWeb) {
      reply.header('cache-control', 'no-cache').header('vary', 'accept-encoding, cookie, accept-language');
      const answer = renderer ? await renderer.page(request, (rendered) => compose(request, rendered)) : null;
      if (!answer) {
        const { status, html } = await compose(request, null);
        return reply.status(status).type('text/html; charset=utf-8').send(html);
      }
      reply.status(answer.status).type('text/html; charset=utf-8').header('etag', answer.etag);
      if (answer.status === 200 && request.headers['if-none-match'] === answer.etag) return reply.status(304).send();
      const accepts = String(request.headers['accept-encoding'] ?? '');
      if (answer.br && /\bbr\b/.test(accepts)) return reply.header('content-encoding', 'br').send(answer.br);
      if (answer.gzip && /\bgzip\b/.test(accepts)) return reply.header('content-encoding', 'gzip').send(answer.gzip);
      return reply.send(answer.html);
    }
    return reply.status(404).send({
      error: { code: 'route.not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` },
    });
  });
}

/**
 * The shell's own stylesheets (a few KiB, every page needs them) written into it: the first paint waits for no
 * other request. Page chunks' styles come with the server-rendered markup, or with their chunk.
 */
function inlineStylesheets(html: string, root: string): string {
  return html.replace(
    /<link rel="stylesheet"(?: crossorigin)? href="\/(assets\/[^"]+\.css)">/g,
    (link, file: string) => {
      const full = path.join(root, file);
      return existsSync(full)
        ? `<style>${readFileSync(full, 'utf8').replaceAll('</style', '<\\/style')}</style>`
        : link;
    },
  );
}
