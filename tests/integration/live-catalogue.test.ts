import { sql } from 'kysely';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_EVENTS, type LiveEventName } from '../../server/events/live-catalogue.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { createTestDatabase, type TestDatabase } from '../setup/db.ts';

/**
 * The live-event catalogue (server/events/live-catalogue.ts) against what the database's triggers really write:
 * every event a trigger function can emit is in the catalogue, and every event, fired for real, has the
 * catalogue's topic family and payload.
 */
describe('the live-event catalogue', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  it('names every event the trigger functions emit, and nothing they do not', async () => {
    const { rows } = await sql<{ def: string }>`
      SELECT pg_get_functiondef(p.oid) AS def FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'public' AND p.proname LIKE 'agora_live_%'`.execute(t.db);
    const emitted = new Set(
      rows.flatMap((r) => [...r.def.matchAll(/agora_live_emit\([^,]+,\s*'([a-z.]+)'/g)].map((m) => m[1])),
    );
    expect(emitted.size).toBeGreaterThan(0);
    expect([...emitted].sort()).toEqual(Object.keys(LIVE_EVENTS).sort());
  });

  it('describes the topic and payload of each event as the triggers write it', async () => {
    const db = t.db;
    const author = await createMember(db);
    const reader = await createMember(db);
    const category = await createCategory(db);
    const { thread } = await createThread(db, author, category.id);
    const reply = await createReply(db, reader, thread.id);
    await db.updateTable('posts').set({ body_md: 'Réponse corrigée.' }).where('id', '=', reply.id).execute();
    await db.updateTable('posts').set({ like_count: 1, helpful_count: 1 }).where('id', '=', reply.id).execute();
    await db
      .insertInto('post_emoji_reactions')
      .values({ post_id: reply.id, member_id: author.id, emoji: '👍' })
      .execute();
    const poll = await db
      .insertInto('polls')
      .values({ post_id: reply.id, question: 'Oui ?' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.updateTable('polls').set({ voters: 1 }).where('id', '=', poll.id).execute();
    await db.updateTable('posts').set({ state: 'hidden' }).where('id', '=', reply.id).execute();
    const { thread: idea } = await createThread(db, author, category.id, { kind: 'idea' });
    await db.updateTable('threads').set({ idea_status: 'planned' }).where('id', '=', idea.id).execute();
    const item = await db
      .insertInto('moderation_items')
      .values({ post_id: reply.id, reasons: ['report'] })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.updateTable('moderation_items').set({ claimed_by: author.id }).where('id', '=', item.id).execute();
    await db.updateTable('moderation_items').set({ report_count: 2 }).where('id', '=', item.id).execute();
    await db.updateTable('moderation_items').set({ status: 'rejected' }).where('id', '=', item.id).execute();
    await db.insertInto('notifications').values({ member_id: reader.id, kind: 'reply', data: '{}' }).execute();
    const conversation = await db
      .insertInto('conversations')
      .values({ subject: 'Privé', created_by: author.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('messages')
      .values({ conversation_id: conversation.id, author_id: author.id, body_md: 'Salut', body_html: '<p>Salut</p>' })
      .execute();

    const events = await db.selectFrom('live_events').select(['topic', 'type', 'data']).orderBy('id').execute();
    const seen = new Set<string>();
    for (const e of events) {
      const entry = LIVE_EVENTS[e.type as LiveEventName];
      expect(entry, `event ${e.type} is in the catalogue`).toBeDefined();
      expect(e.topic.split(':')[0], `topic of ${e.type}`).toBe(entry.topic);
      expect(Value.Errors(entry.data, e.data), `payload of ${e.type}: ${JSON.stringify(e.data)}`).toEqual([]);
      seen.add(e.type);
    }
    expect([...seen].sort()).toEqual(Object.keys(LIVE_EVENTS).sort());
  });
});
