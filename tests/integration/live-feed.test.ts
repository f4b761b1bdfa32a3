import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeFeed } from '../../server/db/change-feed.ts';
import { LiveHub, type LiveEvent } from '../../server/modules/live/index.ts';
import { createTestDatabase, type TestDatabase } from '../setup/db.ts';
import { eventually } from '../setup/eventually.ts';

/**
 * The live hub hears `agora_live` on the node's change feed (issue 20): one listening connection per node for the
 * caches' notices and the live events, so a commit that notifies both wakes one PostgreSQL process, not two.
 */
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

const backends = async () =>
  Number(
    (
      await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()`.execute(database.db)
    ).rows[0]!.n,
  );

describe('the live hub on the change feed', () => {
  it('delivers an event committed elsewhere through the feed’s connection, with no connection of its own', async () => {
    const feed = new ChangeFeed({ databaseUrl: database.url });
    // A poll that never comes in this test: only the notification can bring the event.
    const hub = new LiveHub(database.db, { feed, pollMs: 3_600_000 });
    const got: LiveEvent[] = [];
    hub.subscribe('thread:1', { deliver: (event) => got.push(event) });
    const before = await backends();
    await feed.start();
    await hub.start();
    try {
      // The feed's connection is the only one the two opened.
      expect(await backends()).toBe(before + 1);
      await sql`SELECT agora_live_emit('thread:1', 'post.created', jsonb_build_object('postId', 7))`.execute(
        database.db,
      );
      await eventually(async () => got.length === 1);
      expect(got[0]).toMatchObject({ topic: 'thread:1', type: 'post.created', data: { postId: 7 } });
      expect(feed.heard).toBeGreaterThanOrEqual(1);
    } finally {
      await hub.stop();
      await feed.stop();
    }
  });

  it('catches up at once when the feed listens again after losing its connection', async () => {
    const feed = new ChangeFeed({ databaseUrl: database.url });
    const hub = new LiveHub(database.db, { feed, pollMs: 3_600_000 });
    const got: LiveEvent[] = [];
    hub.subscribe('thread:2', { deliver: (event) => got.push(event) });
    await feed.start();
    await hub.start();
    try {
      await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'agora-feed'`.execute(
        database.db,
      );
      await eventually(async () => !feed.active);
      // Committed while nobody listens: no notification reaches the node for it.
      await sql`SELECT agora_live_emit('thread:2', 'post.created', jsonb_build_object('postId', 8))`.execute(
        database.db,
      );
      await eventually(async () => got.length === 1);
      expect(got[0]).toMatchObject({ topic: 'thread:2', data: { postId: 8 } });
    } finally {
      await hub.stop();
      await feed.stop();
    }
  });
});
