import { sql } from 'kysely';
import { threadSeeLevel } from '../../content/index.ts';
import type { Executor } from '../../db/kysely.ts';
import type { PostState, SeeLevel, ThreadState } from '../../db/types.ts';
import type { Variant } from './image-pipeline.ts';

export interface NewUpload {
  key: string;
  member_id: number;
  kind: 'post' | 'avatar' | 'external' | 'brand';
  format: 'webp' | 'jpeg' | 'png';
  width: number;
  height: number;
  bytes: number;
  original_name: string;
  source_url: string | null;
  variants: Variant[];
}

export class UploadsRepository {
  constructor(private readonly db: Executor) {}

  create(values: NewUpload) {
    return this.db
      .insertInto('uploads')
      .values({ ...values, variants: JSON.stringify(values.variants) })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  getByKey(key: string) {
    return this.db.selectFrom('uploads').selectAll().where('key', '=', key).executeTakeFirst();
  }

  getByKeys(keys: readonly string[]) {
    if (keys.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('uploads').selectAll().where('key', 'in', keys).execute();
  }

  /** The newest download of this external address (posts that name the same image share one copy). */
  getExternal(sourceUrl: string) {
    return this.db
      .selectFrom('uploads')
      .selectAll()
      .where('source_url', '=', sourceUrl)
      .where('kind', '=', 'external')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** Images the member sent (avatars included, downloads of external images not) since then. */
  async countSince(memberId: number, since: Date): Promise<number> {
    const row = await this.db
      .selectFrom('uploads')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('member_id', '=', memberId)
      .where('kind', '!=', 'external')
      .where('created_at', '>=', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The posts that show the upload, with what deciding who may see them needs. */
  posts(uploadId: number) {
    return this.db
      .selectFrom('upload_posts as up')
      .innerJoin('posts as p', 'p.id', 'up.post_id')
      .innerJoin('threads as t', 't.id', 'p.thread_id')
      .select([
        'p.state as post_state',
        'p.author_id as post_author_id',
        't.state as thread_state',
        't.author_id as thread_author_id',
      ])
      .select(threadSeeLevel('t').as('thread_see_level'))
      .where('up.upload_id', '=', uploadId)
      .execute() as Promise<
      {
        post_state: PostState;
        post_author_id: number;
        thread_state: ThreadState;
        thread_author_id: number;
        thread_see_level: SeeLevel;
      }[]
    >;
  }

  /** Whether a member has this upload as avatar. */
  async isAvatar(key: string): Promise<boolean> {
    const row = await this.db.selectFrom('members').select('id').where('avatar_key', '=', key).executeTakeFirst();
    return row !== undefined;
  }

  /** The post now shows exactly these uploads. */
  async replaceLinks(postId: number, uploadIds: readonly number[]): Promise<void> {
    await this.db.deleteFrom('upload_posts').where('post_id', '=', postId).execute();
    if (uploadIds.length === 0) return;
    await this.db
      .insertInto('upload_posts')
      .values(uploadIds.map((upload_id) => ({ upload_id, post_id: postId })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  /** Uploads older than `before` that no post shows and no member has as avatar (the site's images are kept). */
  orphans(before: Date, limit: number) {
    return this.db
      .selectFrom('uploads as u')
      .select(['u.id', 'u.key'])
      .where('u.created_at', '<', before)
      .where('u.kind', '!=', 'brand')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(selectFrom('upload_posts as up').select(sql.lit(1).as('one')).whereRef('up.upload_id', '=', 'u.id')),
        ),
      )
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('members as m').select(sql.lit(1).as('one')).whereRef('m.avatar_key', '=', 'u.key'))),
      )
      .orderBy('u.id')
      .limit(limit)
      .execute();
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('uploads').where('id', '=', id).execute();
  }

  async setAvatar(memberId: number, key: string | null): Promise<void> {
    await this.db.updateTable('members').set({ avatar_key: key }).where('id', '=', memberId).execute();
  }
}
