import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/types.ts';
import { QueryTemplate } from '../../server/db/query-template.ts';

// Compiling needs the dialect, never a connection: the pool is not used.
const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool() }) });

describe('QueryTemplate', () => {
  it('compiles once and fills each call’s values where the builder put them, a value used twice in both places', () => {
    let builds = 0;
    const template = new QueryTemplate(['id', 'after', 'limit'], (v: { id: number; after: number; limit: number }) => {
      builds++;
      return db
        .selectFrom('posts')
        .select(['id', sql<number>`${v.id}`.as('thread')])
        .where('thread_id', '=', v.id)
        .where('number', '>', v.after)
        .where('state', '=', 'published')
        .limit(v.limit);
    });
    const first = template.with({ id: 7, after: 20, limit: 21 });
    const second = template.with({ id: 8, after: 0, limit: 5 });
    expect(builds).toBe(1);
    expect(second.sql).toBe(first.sql);
    const direct = db
      .selectFrom('posts')
      .select(['id', sql<number>`${8}`.as('thread')])
      .where('thread_id', '=', 8)
      .where('number', '>', 0)
      .where('state', '=', 'published')
      .limit(5)
      .compile();
    expect(second.sql).toBe(direct.sql);
    expect(second.parameters).toEqual(direct.parameters);
    expect(first.parameters).toEqual([7, 7, 20, 'published', 21]);
  });

  it('refuses a statement whose value did not become a parameter (arithmetic, a list spread)', () => {
    const template = new QueryTemplate(['limit'], (v: { limit: number }) =>
      db
        .selectFrom('posts')
        .select('id')
        .limit(Number(v.limit) + 1),
    );
    expect(() => template.with({ limit: 3 })).toThrow(/limit did not become parameters/);
  });
});
