import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { ensureAdmin } from '../../server/modules/auth/bootstrap.ts';
import { createTestDatabase, type TestDatabase } from '../setup/db.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const count = async (table: 'threads' | 'posts' | 'members' | 'categories' | 'reactions') =>
  Number(
    (
      await database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('first start', () => {
  it('creates an admin with a random password, printed once, and not again on the next start', async () => {
    const lines: string[] = [];
    await ensureAdmin(database.db, loadConfig({}), (l) => lines.push(l));
    expect(lines.join('\n')).toMatch(/password: \S{12,}/);
    const admins = await database.db.selectFrom('members').select('username').where('role', '=', 'admin').execute();
    expect(admins).toEqual([{ username: 'admin' }]);
    const again: string[] = [];
    await ensureAdmin(database.db, loadConfig({}), (l) => again.push(l));
    expect(again).toEqual([]);
  });

  it('creates the admin from ADMIN_EMAIL and ADMIN_PASSWORD (deployments)', async () => {
    const config = loadConfig({
      ADMIN_EMAIL: 'ops@cime.example',
      ADMIN_PASSWORD: 'a long secret',
      ADMIN_USERNAME: 'ops',
    });
    await ensureAdmin(database.db, config, () => {});
    const ops = await database.db
      .selectFrom('members')
      .select(['role', 'email'])
      .where('username', '=', 'ops')
      .executeTakeFirst();
    expect(ops).toEqual({ role: 'admin', email: 'ops@cime.example' });
  });

  it('seeds the demo community once, with a dozen threads of each kind', async () => {
    expect(await seedDemo(database.db, loadConfig({}))).toBe(true);
    const kinds = await database.db
      .selectFrom('threads')
      .select(['kind', (eb) => eb.fn.countAll().as('n')])
      .groupBy('kind')
      .execute();
    expect(Object.fromEntries(kinds.map((k) => [k.kind, Number(k.n)]))).toEqual({
      discussion: 12,
      question: 12,
      tip: 12,
      idea: 12,
      announcement: 12,
    });
    const before = {
      threads: await count('threads'),
      posts: await count('posts'),
      reactions: await count('reactions'),
    };
    expect(before.posts).toBeGreaterThan(before.threads * 2);
    expect(before.reactions).toBeGreaterThan(50);
    expect(await seedDemo(database.db, loadConfig({}))).toBe(false);
    expect({
      threads: await count('threads'),
      posts: await count('posts'),
      reactions: await count('reactions'),
    }).toEqual(before);
  });

  it('keeps the denormalised counters of the demo consistent with the rows', async () => {
    const rows = await database.db
      .selectFrom('threads')
      .select(['threads.id', 'threads.reply_count', 'threads.post_count'])
      .select((eb) => [
        eb
          .selectFrom('posts')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('posts.thread_id', '=', 'threads.id')
          .as('all_posts'),
        eb
          .selectFrom('posts')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('posts.thread_id', '=', 'threads.id')
          .where('posts.state', '=', 'published')
          .as('published'),
      ])
      .execute();
    for (const row of rows) {
      expect(Number(row.all_posts)).toBe(row.post_count);
      expect(row.reply_count).toBe(Number(row.published) - 1);
    }
  });

  it('gives the moderators something to review in the demo: a held reply and a report', async () => {
    const items = await database.db
      .selectFrom('moderation_items')
      .select('reasons')
      .where('status', '=', 'open')
      .execute();
    expect(items.map((i) => i.reasons[0]).sort()).toEqual(['report', 'rule']);
  });
});
