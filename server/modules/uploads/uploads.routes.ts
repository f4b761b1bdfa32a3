import fastifyMultipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Actor } from '../../access/access.ts';
import { errors, Nullable, StringEnum } from '../../http/schemas.ts';
import { readOneFile } from './multipart.ts';
import type { UploadsService } from './uploads.service.ts';

export interface UploadsRouteDeps {
  uploads: UploadsService;
  /** The site's logo and favicon (site/BrandingService): its image goes through this module's pipeline. */
  branding: {
    set(
      actor: Actor | null,
      which: 'logo' | 'favicon',
      file: { bytes: Buffer; filename: string },
    ): Promise<{ logo: string | null; favicon: string | null }>;
  };
  /** The largest file any member may send (the parser's own ceiling; each member's is lower or equal). */
  maxBytes: number;
}

const UploadSchema = Type.Object(
  {
    id: Type.Integer(),
    url: Type.String({ description: 'The image, to write in Markdown as ![alt](url)' }),
    thumbnail: Type.String(),
    width: Type.Integer(),
    height: Type.Integer(),
  },
  { $id: 'Upload' },
);

const MultipartBody = {
  consumes: ['multipart/form-data'],
  description: 'multipart/form-data with the image in a field named `file` (JPEG, PNG, WebP, GIF or AVIF).',
};

/** Immutable files: a new image gets a new key, so a file's address never shows other bytes. */
const IMMUTABLE = 'max-age=31536000, immutable';
const IMAGE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";

export async function uploadsRoutes(fastify: FastifyInstance, { uploads, branding, maxBytes }: UploadsRouteDeps) {
  await fastify.register(fastifyMultipart, {
    limits: { fileSize: maxBytes, files: 1, fields: 0, parts: 1, headerPairs: 50 },
  });
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(UploadSchema);
  const perMember = (max: number) => ({
    rateLimit: {
      max,
      timeWindow: '1 minute',
      keyGenerator: (req: { actor: { id: number } | null; ip: string }) => `upload:${req.actor?.id ?? req.ip}`,
    },
  });

  app.post(
    '/api/uploads',
    {
      config: perMember(30),
      schema: {
        tags: ['uploads'],
        summary: 'Send an image for a post',
        description: `${MultipartBody.description} The image is re-encoded without its metadata; it shows once a post names its url.`,
        operationId: 'createUpload',
        consumes: MultipartBody.consumes,
        response: { 201: Type.Ref('Upload'), ...errors(401, 403, 413, 415, 422, 429, 503) },
      },
    },
    async (req, reply) => {
      const file = await readOneFile(req, uploads.limits(req.actor).maxBytes);
      return reply.status(201).send(await uploads.create(req.actor, file));
    },
  );

  app.post(
    '/api/me/avatar',
    {
      config: perMember(10),
      schema: {
        tags: ['uploads'],
        summary: 'Set my avatar',
        description: `${MultipartBody.description} Cropped to the largest square around the focus (x, y from 0 to 1).`,
        operationId: 'setAvatar',
        consumes: MultipartBody.consumes,
        querystring: Type.Object({
          x: Type.Number({ minimum: 0, maximum: 1, default: 0.5 }),
          y: Type.Number({ minimum: 0, maximum: 1, default: 0.5 }),
        }),
        response: { 200: Type.Object({ avatar: Type.String() }), ...errors(401, 403, 413, 415, 422, 429, 503) },
      },
    },
    async (req) => {
      const file = await readOneFile(req, uploads.limits(req.actor).maxBytes);
      return uploads.setAvatar(req.actor, file, { x: req.query.x, y: req.query.y });
    },
  );

  app.post(
    '/api/admin/branding/:which',
    {
      config: perMember(10),
      schema: {
        tags: ['site'],
        summary: "Set the site's logo or favicon (administrators; audited)",
        description: `${MultipartBody.description} The logo is kept whole (at most 800×200); the favicon is cropped to a centred square and made at 32, 180 and 192 px. Remove either with PUT /api/admin/settings and null.`,
        operationId: 'setBrandImage',
        consumes: MultipartBody.consumes,
        params: Type.Object({ which: StringEnum(['logo', 'favicon']) }),
        response: {
          200: Type.Object({ logo: Nullable(Type.String()), favicon: Nullable(Type.String()) }),
          ...errors(400, 401, 403, 413, 415, 422, 429, 503),
        },
      },
    },
    async (req) => {
      const file = await readOneFile(req, uploads.limits(req.actor).maxBytes);
      return branding.set(req.actor, req.params.which, file);
    },
  );

  app.delete(
    '/api/me/avatar',
    {
      schema: {
        tags: ['uploads'],
        summary: 'Remove my avatar (initials show again)',
        operationId: 'removeAvatar',
        response: { 204: Type.Null(), ...errors(401) },
      },
    },
    async (req, reply) => {
      await uploads.removeAvatar(req.actor);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/media/:key/:file',
    {
      schema: {
        hide: true,
        params: Type.Object({
          key: Type.String({ maxLength: 22 }),
          file: Type.String({ maxLength: 16 }),
        }),
      },
    },
    async (req, reply) => {
      const file = await uploads.open(req.actor, req.params.key, req.params.file);
      return reply
        .header('content-type', file.contentType)
        .header('content-length', file.size)
        .header('cache-control', `${file.public ? 'public' : 'private'}, ${IMMUTABLE}`)
        .header('content-disposition', `inline; filename="${file.filename}"`)
        .header('content-security-policy', IMAGE_CSP)
        .header('cross-origin-resource-policy', 'same-origin')
        .send(file.body);
    },
  );
}
