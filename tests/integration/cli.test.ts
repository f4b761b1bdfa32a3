import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../server/lib/password.ts';
import { createMember } from '../factories/index.ts';
import { createTestDatabase, type TestDatabase } from '../setup/db.ts';

const run = promisify(execFile);
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

/** The operator CLI, as an operator runs it: a separate process on DATABASE_URL. */
const agora = (...args: string[]) => agoraWith({}, ...args);
const agoraWith = (env: Record<string, string>, ...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], {
    env: { ...process.env, DATABASE_URL: database.url, ...env },
  }).then(
    ({ stdout }) => ({ code: 0, out: stdout }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, out: err.stdout + err.stderr }),
  );

describe('npm run agora', () => {
  it('search-reindex: nothing to do with PostgreSQL search; a clear failure when Meilisearch does not answer', async () => {
    const pg = await agoraWith({ MEILI_URL: '' }, 'search-reindex');
    expect(pg.code).toBe(0);
    expect(pg.out).toContain('nothing to rebuild');
    const down = await agoraWith({ MEILI_URL: 'http://127.0.0.1:9' }, 'search-reindex');
    expect(down.code).toBe(1);
    expect(down.out).toContain('the index was not rebuilt (the old one is untouched)');
  });

  it('creates an admin with a generated password it prints once', async () => {
    const res = await agora('create-admin', '--username', 'ops_admin', '--email', 'ops@example.test');
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/Created admin ops_admin with password: \S{12,}/);
    const row = await database.db
      .selectFrom('members')
      .select('role')
      .where('username', '=', 'ops_admin')
      .executeTakeFirst();
    expect(row?.role).toBe('admin');
  });

  it('changes a role, and refuses an unknown role with exit code 2', async () => {
    const member = await createMember(database.db);
    expect((await agora('set-role', member.username, 'moderator')).code).toBe(0);
    const row = await database.db
      .selectFrom('members')
      .select('role')
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow();
    expect(row.role).toBe('moderator');
    const bad = await agora('set-role', member.username, 'emperor');
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('ROLE one of');
  });

  it('resets a password and ends the member’s sessions', async () => {
    const member = await createMember(database.db);
    await database.db
      .insertInto('sessions')
      .values({ id: 'x'.repeat(64), member_id: member.id, expires_at: new Date(Date.now() + 1e9) })
      .execute();
    const res = await agora('reset-password', member.username, '--password', 'a brand new secret');
    expect(res.code).toBe(0);
    const sessions = await database.db.selectFrom('sessions').select('id').where('member_id', '=', member.id).execute();
    expect(sessions).toEqual([]);
  });

  it('resets a password to a generated one that passes the strength check, and signs in with it', async () => {
    const member = await createMember(database.db);
    const res = await agora('reset-password', member.username);
    expect(res.code).toBe(0);
    const password = /New password for \S+: (\S+)/.exec(res.out)?.[1];
    expect(password).toMatch(/^\S{16}$/);
    const row = await database.db
      .selectFrom('members')
      .select('password_hash')
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow();
    expect(await verifyPassword(row.password_hash, password!)).toBe(true);
  });

  it('refuses a weak password with exit code 2 and says why', async () => {
    const member = await createMember(database.db);
    const res = await agora('reset-password', member.username, '--password', 'azertyuiop');
    expect(res.code).toBe(2);
    expect(res.out).toContain('too easy to guess');
  });

  it('prints its help and fails on an unknown command', async () => {
    expect((await agora('help')).out).toContain('set-role USER ROLE');
    expect((await agora('fly')).code).toBe(2);
  });
});
