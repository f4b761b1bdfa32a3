import { createHash } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../config.ts';
import { Id } from '../../http/schemas.ts';
import type { PagesService, PublicDocument } from './pages.service.ts';

const Format = Type.Union([Type.Literal('rss'), Type.Literal('atom')]);

/**
 * The documents crawlers and feed readers fetch, outside /api: /robots.txt, /sitemap.xml (an index),
 * /sitemaps/categories.xml, /sitemaps/threads-N.xml, and feeds under /feeds/…/{rss,atom}. Each carries an ETag
 * and, where it has one, Last-Modified, and answers a conditional request with 304.
 */
export async function pagesRoutes(
  fastify: FastifyInstance,
  { pages, config }: { pages: PagesService; config: Config },
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const base = (req: FastifyRequest) => publicBase(config, req);
  const schema = { hide: true };

  app.get('/robots.txt', { schema }, async (req, reply) => send(req, reply, pages.robots(base(req))));
  app.get('/sitemap.xml', { schema }, async (req, reply) => send(req, reply, await pages.sitemapIndex(base(req))));
  app.get('/sitemaps/categories.xml', { schema }, async (req, reply) =>
    send(req, reply, await pages.sitemapCategories(base(req))),
  );
  app.get(
    '/sitemaps/:file',
    {
      schema: { ...schema, params: Type.Object({ file: Type.String({ pattern: '^threads-[1-9][0-9]{0,4}\\.xml$' }) }) },
    },
    async (req, reply) => {
      const n = Number(/\d+/.exec(req.params.file)![0]);
      return send(req, reply, await pages.sitemapThreads(base(req), n));
    },
  );
  app.get(
    '/feeds/latest/:format',
    { schema: { ...schema, params: Type.Object({ format: Format }) } },
    async (req, reply) => send(req, reply, await pages.latestFeed(base(req), req.params.format)),
  );
  app.get(
    '/feeds/c/:slug/:format',
    { schema: { ...schema, params: Type.Object({ slug: Type.String({ maxLength: 100 }), format: Format }) } },
    async (req, reply) => send(req, reply, await pages.latestFeed(base(req), req.params.format, req.params.slug)),
  );
  app.get(
    '/feeds/t/:id/:format',
    { schema: { ...schema, params: Type.Object({ id: Id, format: Format }) } },
    async (req, reply) => send(req, reply, await pages.threadFeed(base(req), req.params.format, req.params.id)),
  );
}

/** Links must be absolute: PUBLIC_URL when the operator set it, else the address the request came to. */
export function publicBase(config: Config, req: FastifyRequest): string {
  return config.publicUrl?.replace(/\/+$/, '') ?? `${req.protocol}://${req.host}`;
}

/** The document, or 304 when the client's copy (ETag, or else Last-Modified) is current. */
function send(req: FastifyRequest, reply: FastifyReply, doc: PublicDocument) {
  const etag = `"${createHash('sha1').update(doc.body).digest('base64url')}"`;
  reply.header('etag', etag).header('cache-control', 'public, max-age=300').type(doc.type);
  // HTTP dates have whole seconds.
  const modified = doc.lastModified ? new Date(Math.floor(doc.lastModified.getTime() / 1000) * 1000) : null;
  if (modified) reply.header('last-modified', modified.toUTCString());
  const match = req.headers['if-none-match'];
  const since = req.headers['if-modified-since'];
  const fresh =
    match !== undefined
      ? match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*')
      : since !== undefined &&
        modified !== null &&
        !Number.isNaN(Date.parse(since)) &&
        modified.getTime() <= Date.parse(since);
  if (fresh) return reply.status(304).send();
  return reply.send(doc.body);
}
