import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { authorize } from '../../access/access.ts';
import { LISTED_THREAD_STATE } from '../../access/visibility.ts';
import type { Db } from '../../db/kysely.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { errors, Id, Nullable } from '../../http/schemas.ts';

const Item = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  kind: Type.String(),
  official: Type.Boolean(),
  replyCount: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  category: Type.Object({ slug: Type.String(), name: Type.String(), color: Type.String() }),
  author: Type.Object({ username: Type.String() }),
});

/**
 * What the home page puts first: threads community managers featured, and the latest announcement (30 days)
 * that the member has not dismissed. Visitors dismiss in their browser.
 */
export async function homeRoutes(fastify: FastifyInstance, { db }: { db: Db }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const base = () =>
    db
      .selectFrom('threads as t')
      .innerJoin('categories as c', 'c.id', 't.category_id')
      .innerJoin('members as m', 'm.id', 't.author_id')
      .select(['t.id', 't.title', 't.kind', 't.official', 't.reply_count', 't.created_at', 'c.slug', 'c.name', 'c.color', 'm.username'])
      .where('t.state', '=', LISTED_THREAD_STATE);
  const toItem = (r: Awaited<ReturnType<ReturnType<typeof base>['execute']>>[number]) => ({
    id: r.id,
    title: r.title,
    kind: r.kind,
    official: r.official,
    replyCount: r.reply_count,
    createdAt: r.created_at.toISOString(),
    category: { slug: r.slug, name: r.name, color: r.color },
    author: { username: r.username },
  });

  app.get(
    '/api/home',
    {
      schema: {
        tags: ['forum'],
        summary: 'Featured threads and the current announcement for the home page',
        response: { 200: Type.Object({ featured: Type.Array(Item), announcement: Nullable(Item) }) },
      },
    },
    async (req) => {
      let announcement = base().where('t.kind', '=', 'announcement').where('t.created_at', '>=', sql<Date>`now() - interval '30 days'`);
      if (req.actor) {
        const member = req.actor.id;
        announcement = announcement.where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('announcement_dismissals as d').select('d.thread_id').whereRef('d.thread_id', '=', 't.id').where('d.member_id', '=', member))),
        );
      }
      const [featured, latest] = await Promise.all([
        base().where('t.featured', '=', true).orderBy('t.last_post_at', 'desc').limit(6).execute(),
        announcement.orderBy('t.created_at', 'desc').limit(1).executeTakeFirst(),
      ]);
      return { featured: featured.map(toItem), announcement: latest ? toItem(latest) : null };
    },
  );

  app.post(
    '/api/threads/:id/dismiss',
    {
      schema: {
        tags: ['forum'],
        summary: 'Hides an announcement from your home page',
        params: Type.Object({ id: Id }),
        response: { 200: Type.Object({ dismissed: Type.Boolean() }), ...errors(400, 401, 404) },
      },
    },
    async (req) => {
      const actor = authorize(req.actor, 'post.reply');
      const thread = await db.selectFrom('threads').select(['kind', 'state']).where('id', '=', req.params.id).executeTakeFirst();
      if (!thread || thread.kind !== 'announcement' || thread.state !== 'published') throw new NotFoundError('thread.not_found', 'No such announcement.');
      await db.insertInto('announcement_dismissals').values({ member_id: actor.id, thread_id: req.params.id }).onConflict((oc) => oc.doNothing()).execute();
      return { dismissed: true };
    },
  );
}
