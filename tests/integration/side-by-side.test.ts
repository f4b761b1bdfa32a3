import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trx } from '../../server/db/kysely.ts';
import { afterLead, LeadWroteNothing, sideBySide } from '../../server/db/side-by-side.ts';
import { createTestDatabase, roundTrips, type TestDatabase } from '../setup/db.ts';

/** Pieces of one transaction side by side on its connection (server/db/side-by-side.ts). */
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const setting = (key: string) =>
  database.db.selectFrom('site_settings').select('key').where('key', '=', key).executeTakeFirst();

describe('sideBySide', () => {
  it("runs the pieces' statements in the transaction, sharing round trips, and commits them with it", async () => {
    database.spans.length = 0;
    const [a, b] = await database.db.transaction().execute(async (trx) => {
      await sql`SELECT 1`.execute(trx);
      // Each piece writes a row, then reads which transaction it is in.
      const piece = (key: string) => async (t: Trx) => {
        await t.insertInto('site_settings').values({ key, value: '{}' }).execute();
        return (await sql<{ id: number }>`SELECT txid_current() AS id`.execute(t)).rows[0]!.id;
      };
      return sideBySide(trx, piece('side-a'), piece('side-b'));
    });
    // begin with the first SELECT, the two inserts together, the two txid reads together, commit.
    expect(roundTrips(database.spans)).toBe(4);
    expect(a).toBe(b); // one transaction
    expect(await setting('side-a')).toBeDefined();
    expect(await setting('side-b')).toBeDefined();
  });

  it('writes statements asked for together on one connection in one write (BEGIN with the first, the pieces)', async () => {
    const before = database.writes.count;
    await database.db.transaction().execute(async (trx) => {
      await trx.insertInto('site_settings').values({ key: 'together-0', value: '{}' }).execute();
      const piece = (key: string) => (t: Trx) => t.insertInto('site_settings').values({ key, value: '{}' }).execute();
      await sideBySide(trx, piece('together-a'), piece('together-b'), piece('together-c'));
    });
    // BEGIN and the first insert; the three pieces' inserts; COMMIT.
    expect(database.writes.count - before).toBe(3);
    expect(await setting('together-c')).toBeDefined();
  });

  it('lets every piece finish, then rolls the whole transaction back when one fails', async () => {
    let lateStatement: 'ran' | 'refused' | undefined;
    const work = database.db.transaction().execute(async (trx) => {
      await sideBySide(
        trx,
        async (t) => {
          await t.insertInto('site_settings').values({ key: 'fail-a', value: '{}' }).execute();
          await sql`SELECT 1 / 0`.execute(t);
        },
        async (t) => {
          await sql`SELECT pg_sleep(0.05)`.execute(t);
          // Sent after the other piece's failure: refused by the aborted transaction, never run outside it.
          await t
            .insertInto('site_settings')
            .values({ key: 'fail-b', value: '{}' })
            .execute()
            .then(
              () => (lateStatement = 'ran'),
              (err: unknown) => {
                lateStatement = 'refused';
                throw err;
              },
            );
        },
      );
    });
    await expect(work).rejects.toThrow(/division by zero/);
    expect(lateStatement).toBe('refused');
    expect(await setting('fail-a')).toBeUndefined();
    expect(await setting('fail-b')).toBeUndefined();
  });
});

describe('afterLead', () => {
  const insertSetting = (key: string, when: boolean) =>
    sql<{ key: string }>`INSERT INTO site_settings (key, value) SELECT ${key}, '{}'::jsonb WHERE ${when}
      RETURNING key`.compile(database.db);

  it("runs the pieces after the lead, which they may depend on, in the lead's round trip", async () => {
    database.spans.length = 0;
    const [lead, seen, again] = await database.db.transaction().execute((trx) =>
      afterLead(
        trx,
        insertSetting('lead-row', true),
        // Sent at once, with no await before the statement: still after the lead.
        (t) => sql<{ n: number }>`SELECT count(*)::int AS n FROM site_settings WHERE key = 'lead-row'`.execute(t),
        async (t) => {
          await Promise.resolve();
          return sql<{ n: number }>`SELECT count(*)::int AS n FROM site_settings WHERE key = 'lead-row'`.execute(t);
        },
      ),
    );
    expect(lead.rows).toEqual([{ key: 'lead-row' }]);
    expect(seen.rows[0]!.n).toBe(1);
    expect(again.rows[0]!.n).toBe(1);
    // BEGIN, the lead and both pieces in one round trip; COMMIT.
    expect(roundTrips(database.spans)).toBe(2);
    expect(await setting('lead-row')).toBeDefined();
  });

  it('throws LeadWroteNothing, not what the pieces met, and rolls back, when the lead writes nothing', async () => {
    const work = database.db.transaction().execute((trx) =>
      afterLead(
        trx,
        insertSetting('lead-none', false),
        (t) => t.insertInto('site_settings').values({ key: 'after-none', value: '{}' }).execute(),
        (t) => sql`SELECT 1 / 0`.execute(t),
      ),
    );
    await expect(work).rejects.toBeInstanceOf(LeadWroteNothing);
    expect(await setting('after-none')).toBeUndefined();
  });

  it('throws what failed when the lead wrote its row', async () => {
    const work = database.db
      .transaction()
      .execute((trx) => afterLead(trx, insertSetting('lead-then-fail', true), (t) => sql`SELECT 1 / 0`.execute(t)));
    await expect(work).rejects.toThrow(/division by zero/);
    expect(await setting('lead-then-fail')).toBeUndefined();
  });
});
