import { sql } from 'kysely';
import type { Executor } from '../../db/kysely.ts';
import { QueryTemplate } from '../../db/query-template.ts';
import type { Category, Post, SeeLevel, Thread } from '../../db/types.ts';
import { type Audience, audienceParts } from '../notifications/index.ts';

/** What a reply needs of its category: its rights to reply and how its posts are screened. */
export type ReplyCategory = Pick<
  Category,
  'id' | 'name' | 'moderation_mode' | 'bypass_trust_level' | 'reply_level' | 'archived_at'
>;

/** What a reply needs of the post it answers: that it is in the thread and not deleted, and whom to tell. */
export type ReplyTarget = Pick<Post, 'id' | 'thread_id' | 'state' | 'author_id'>;

/** Everything a reply reads before its transaction. */
export interface ReplyContext {
  thread: Thread & { see_level: SeeLevel };
  category: ReplyCategory;
  /** Undefined when the reply answers no post, or a post that does not exist. */
  replyTo: ReplyTarget | undefined;
  /** Who hears of the reply (the notifications' audience). */
  audience: Audience;
  /** The post's id, taken from its sequence, and whether the thread is its author's first (the welcome badge). */
  reserved: { id: number; authorsFirst: boolean };
}

type Row = Thread & { see_level: SeeLevel } & Prefixed<'c_', ReplyCategory> &
  Nullable<Prefixed<'p_', ReplyTarget>> &
  Audience & { reserved_id: number; authors_first: boolean };
type Prefixed<P extends string, T> = { [K in keyof T & string as `${P}${K}`]: T[K] };
type Nullable<T> = { [K in keyof T]: T[K] | null };

const CATEGORY = ['id', 'name', 'moderation_mode', 'bypass_trust_level', 'reply_level', 'archived_at'] as const;
const TARGET = ['id', 'thread_id', 'state', 'author_id'] as const;
const PREFIXED = new Set<string>([...CATEGORY.map((k) => `c_${k}`), ...TARGET.map((k) => `p_${k}`)]);

/**
 * The thread with its see level, the few columns of its category and of the post replied to that a reply uses,
 * the reply's audience, and the post's reserved id, in ONE statement (issue 20). They were five side by side:
 * one round trip either way, but each statement costs PostgreSQL an executor's start-up and the node a result to
 * parse. Measured side by side (BENCH_COMPARE, 40 pairs of 1-s slices, four runs): 1 to 7 % less CPU per reply,
 * 2 to 9 % more replies per second (BENCHMARKS.md).
 */
const statement = (db: Executor) =>
  new QueryTemplate(
    ['threadId', 'replyTo', 'authorId'],
    (v: { threadId: number; replyTo: number | null; authorId: number }) => {
      const { levels, columns } = audienceParts(v.threadId, v.authorId);
      const query = sql<Row>`
        WITH t AS (SELECT * FROM threads WHERE id = ${v.threadId}), ${levels}
        SELECT t.*, c.see_level,
               ${sql.join(CATEGORY.map((k) => sql`c.${sql.ref(k)} AS ${sql.ref(`c_${k}`)}`))},
               ${sql.join(TARGET.map((k) => sql`p.${sql.ref(k)} AS ${sql.ref(`p_${k}`)}`))},
               nextval(pg_get_serial_sequence('posts', 'id'))::int AS reserved_id,
               NOT EXISTS (SELECT 1 FROM threads e WHERE e.author_id = t.author_id AND e.id < t.id) AS authors_first,
               ${columns}
          FROM t JOIN categories c ON c.id = t.category_id
          LEFT JOIN posts p ON p.id = ${v.replyTo}::int`;
      return { compile: () => query.compile(db) };
    },
  );
let template: ReturnType<typeof statement> | undefined;

/** The reply's context, or undefined when there is no such thread. */
export async function readReplyContext(
  db: Executor,
  threadId: number,
  replyTo: number | undefined,
  authorId: number,
): Promise<ReplyContext | undefined> {
  template ??= statement(db);
  const row = (await db.executeQuery(template.with({ threadId, replyTo: replyTo ?? null, authorId }))).rows[0] as
    Row | undefined;
  if (!row) return undefined;
  const { reserved_id, authors_first, watching, muted, ignoring, by, ...rest } = row;
  const columns = rest as Record<string, unknown>;
  const category = Object.fromEntries(CATEGORY.map((k) => [k, columns[`c_${k}`]])) as ReplyCategory;
  const target = Object.fromEntries(TARGET.map((k) => [k, columns[`p_${k}`]])) as ReplyTarget;
  const thread = Object.fromEntries(Object.entries(rest).filter(([k]) => !PREFIXED.has(k)));
  return {
    thread: thread as ReplyContext['thread'],
    category,
    replyTo: target.id === null ? undefined : target,
    audience: { watching, muted, ignoring, by },
    reserved: { id: reserved_id, authorsFirst: authors_first },
  };
}
