import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as usernameSkeleton from '../../migrations/0023_username_skeleton.ts';
import type { Member } from '../../server/db/types.ts';
import { createMember } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';
import { createTestDatabase } from '../setup/db.ts';

/** Issue 13 §4: look-alike usernames and display names. */
let t: TestApp;
let camille: Member;
let moderator: Member;
let alice: Member;
beforeAll(async () => {
  t = await createTestApp();
  camille = await createMember(t.db, { username: 'camille_rando' });
  moderator = await createMember(t.db, { username: 'claire_modo', role: 'moderator' });
  alice = await createMember(t.db, { username: 'alice_b' });
  await createMember(t.db, { username: 'copa' });
});
afterAll(() => t.close());

let n = 0;
const register = (username: string) =>
  t.api('POST', '/api/auth/register', {
    body: { username, email: `lookalike${n++}@example.test`, password: 'un mot de passe sûr', acceptNetiquette: true },
  });

const expectCode = (res: { statusCode: number; json(): any }, status: number, code: string, field = 'username') => {
  expect(res.statusCode).toBe(status);
  expect(res.json().error.code).toBe(code);
  expect(res.json().error.details.field).toBe(field);
};

describe('registering a username', () => {
  it.each([
    ['the same name in capitals', 'CAMILLE_RANDO', 'username.taken'],
    ['a dotless i', 'camılle_rando', 'username.confusable'],
    ['rn for m', 'carnille_rando', 'username.confusable'],
    ['a 1 for an l', 'camil1e_rando', 'username.confusable'],
    ['Cyrillic letters only, spelling a Latin name', 'сора', 'username.confusable'],
  ])('answers 409 for %s of an existing name', async (_label, username, code) => {
    expectCode(await register(username), 409, code);
  });

  it.each([
    ['a Cyrillic a', 'аdmin_team', 'username.mixed_script'],
    ['a Greek alpha', 'αlice_b', 'username.mixed_script'],
    ['a Cyrillic o', 'mоderator', 'username.mixed_script'],
    ['full-width letters', 'ａｄｍｉｎ', 'username.invalid'],
    ['mathematical bold letters', '𝐚𝐝𝐦𝐢𝐧', 'username.invalid'],
    ['small capitals', 'ᴀᴅᴍɪɴ', 'username.invalid'],
    ['a ligature', 'proﬁl_admin', 'username.invalid'],
    ['a Hangul filler', 'adm\u3164in', 'username.invalid'],
    ['a Hangul jungseong filler', 'adm\u1160in', 'username.invalid'],
    ['a Hangul choseong filler', 'adm\u115fin', 'username.invalid'],
    ['a half-width Hangul filler', 'adm\uffa0in', 'username.invalid'],
    ['a zero-width space', 'ad\u200bmin', 'username.invalid'],
    ['a right-to-left override', 'adm\u202ein', 'username.invalid'],
    ['admin', 'admin', 'username.reserved'],
    ['admin with a dotless i', 'admın', 'username.reserved'],
    ['Moderator', 'Moderator', 'username.reserved'],
    ['modérateur', 'modérateur', 'username.reserved'],
    ['ADMINISTRATEUR', 'ADMINISTRATEUR', 'username.reserved'],
    ['mod.erator', 'mod.erator', 'username.reserved'],
  ])('answers 422 for %s', async (_label, username, code) => {
    expectCode(await register(username), 422, code);
  });

  it.each(['Москва_1', '東京タワー', 'Ελένη', 'Hélène.R-2', 'admin_cime_fan'])(
    'accepts %s, in one script',
    async (username) => {
      const res = await register(username);
      expect(res.statusCode).toBe(201);
      expect(res.json().member.username).toBe(username);
    },
  );

  it('stores the skeleton with the member, and the database refuses a look-alike written around the service', async () => {
    const row = await t.db
      .selectFrom('members')
      .select('username_skeleton')
      .where('id', '=', camille.id)
      .executeTakeFirstOrThrow();
    expect(row.username_skeleton).toBe('carnille_rando');
    const res = await t.db
      .insertInto('members')
      .values({
        username: 'сamille_rando',
        username_skeleton: 'carnille_rando',
        email: 'raw@example.test',
        password_hash: 'x',
      })
      .execute()
      .then(
        () => 'inserted',
        (err: { constraint?: string }) => err.constraint,
      );
    expect(res).toBe('members_username_skeleton_key');
  });
});

describe('PATCH /api/me: the display name', () => {
  const setName = (member: Member, displayName: string) =>
    t.api('PATCH', '/api/me', { as: member, body: { displayName } });

  it('removes bidi controls and invisible characters, and keeps emoji whole', async () => {
    const res = await setName(alice, '\u202eAlice\u200b B.\u2066 \u{1f469}\u200d\u{1f4bb} \u2764\ufe0f ');
    expect(res.statusCode).toBe(200);
    expect(res.json().member.displayName).toBe('Alice B. \u{1f469}\u200d\u{1f4bb} \u2764\ufe0f');
  });

  it.each([
    ['another member’s username', 'camille_rando'],
    ['another member’s username in look-alike letters', 'Camılle_Rando'],
    ['another member’s username with an @ and invisible characters', '@camille\u200b_rando'],
    ['a staff member’s username in Cyrillic', 'сlaire_modo'],
  ])('refuses %s with 422', async (_label, displayName) => {
    expectCode(await setName(alice, displayName), 422, 'display_name.confusable', 'displayName');
  });

  it.each(['admin', 'Admin', 'ᴀᴅᴍɪɴ', 'ａｄｍｉｎ', 'a d m i n', 'Modérateur', 'mоdеrаtоr', 'ADMINISTRATEUR'])(
    'refuses a member the staff title %s',
    async (displayName) => {
      expectCode(await setName(alice, displayName), 422, 'display_name.reserved', 'displayName');
    },
  );

  it('lets a member show their own username, and staff their title', async () => {
    expect((await setName(camille, 'Camille_Rando')).statusCode).toBe(200);
    const res = await setName(moderator, 'Modératrice');
    expect(res.statusCode).toBe(200);
    expect(res.json().member.displayName).toBe('Modératrice');
  });
});

describe('migration 0022_username_skeleton', () => {
  it('backfills the skeletons, the oldest of two look-alikes keeping the plain one', async () => {
    const database = await createTestDatabase();
    try {
      const db = database.db;
      const raw = db as unknown as Kysely<unknown>;
      await usernameSkeleton.down(raw);
      await sql`INSERT INTO members (username, email, password_hash) VALUES ('Bob_Martin', 'a@x.test', 'x'), ('bоb_martin', 'b@x.test', 'x'), ('zoé', 'c@x.test', 'x')`.execute(
        db,
      );
      await usernameSkeleton.up(raw);
      const rows = await db
        .selectFrom('members')
        .select(['id', 'username', 'username_skeleton'])
        .orderBy('id')
        .execute();
      expect(rows.map((r) => r.username_skeleton)).toEqual(['bob_rnartin', `bob_rnartin ${rows[1]!.id}`, 'zoe\u0301']);
      await expect(
        sql`INSERT INTO members (username, username_skeleton, email, password_hash) VALUES ('x', 'zoe\u0301', 'd@x.test', 'x')`.execute(
          db,
        ),
      ).rejects.toThrow(/username_skeleton/);
    } finally {
      await database.drop();
    }
  });
});
