import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatementNames } from '../../server/db/prepared.ts';
import { createMember } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

describe('StatementNames', () => {
  it('names a data statement once it has run `threshold` times, always with the same name', () => {
    const names = new StatementNames({ threshold: 3 });
    const text = 'select "id" from "threads" where "id" = $1';
    expect([names.nameOf(text), names.nameOf(text)]).toEqual([undefined, undefined]);
    const name = names.nameOf(text);
    expect(name).toMatch(/^a_[\w-]+$/);
    expect(names.nameOf(text)).toBe(name);
    expect(names.nameOf('select 2')).toBeUndefined();
  });

  it('never prepares transaction control, settings or DDL', () => {
    const names = new StatementNames({ threshold: 1 });
    for (const text of [
      'begin',
      'commit',
      'SET LOCAL statement_timeout = 1',
      'LISTEN x',
      'CREATE TABLE t (a int)',
      // An upsert onto a partial unique index: PostgreSQL cannot infer the arbiter from a parameter.
      'insert into "m" ("post_id") values ($1) on conflict ("post_id") where "status" = $2 do nothing',
    ]) {
      expect(names.nameOf(text), text).toBeUndefined();
    }
  });

  it('stops naming new statements past its budget (texts that vary stay unprepared)', () => {
    const names = new StatementNames({ threshold: 1, maxNamed: 2 });
    expect(names.nameOf('select 1')).toBeDefined();
    expect(names.nameOf('select 2')).toBeDefined();
    expect(names.nameOf('select 3')).toBeUndefined();
    expect(names.nameOf('select 1')).toBeDefined();
    expect(names.size).toBe(2);
  });
});

describe('prepared statements on a real pool', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers hot reads from PostgreSQL prepared statements, with the same results', async () => {
    const member = await createMember(t.db);
    const cookie = await t.loginAs(member);
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push((await t.api('GET', '/api/me', { as: cookie })).json());
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    // Every connection of the pool that ran a hot statement holds it prepared: ask all of them at once.
    const prepared = await Promise.all(
      Array.from({ length: 10 }, () =>
        sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'a\\_%'`.execute(t.db),
      ),
    );
    expect(Math.max(...prepared.map((r) => r.rows[0]!.n))).toBeGreaterThan(0);
  });
});
