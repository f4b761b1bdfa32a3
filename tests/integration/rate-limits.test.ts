import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { createDb, type Db } from '../../server/db/kysely.ts';
import type { Member } from '../../server/db/types.ts';
import { createMember, PASSWORD } from '../factories/index.ts';
import { createTestDatabase, type TestDatabase } from '../setup/db.ts';

/**
 * Abuse limits on two app nodes sharing one database, as behind a load balancer: the counts are the
 * database's, so a second node gives an attacker no second allowance; login is limited per account name
 * (a neighbour behind the same address is not locked out) and, higher, per address.
 */
let database: TestDatabase;
const nodes: { app: FastifyInstance; db: Db }[] = [];
let victim: Member;
let neighbour: Member;

async function startNode() {
  const { db } = createDb(database.url, 3);
  const config = loadConfig({
    WEB_DIST: '/nonexistent',
    SEARCH_WORKER: '0',
    NETIQUETTE_RECHECK_MS: '0',
    SCHEDULER_INTERVAL_MS: '0',
    BUZZ_CHECK_MS: '0',
    RATE_LIMIT_LOGIN: '4',
    RATE_LIMIT_LOGIN_ADDRESS: '12',
  });
  const app = await buildApp({ config, db });
  await app.ready();
  nodes.push({ app, db });
  return app;
}

const login = (app: FastifyInstance, name: string, password: string, ip = '203.0.113.7') =>
  app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: ip,
    headers: { host: 'forum.test:3000', origin: 'http://forum.test:3000', 'content-type': 'application/json' },
    payload: JSON.stringify({ login: name, password }),
  });

beforeAll(async () => {
  database = await createTestDatabase();
  victim = await createMember(database.db);
  neighbour = await createMember(database.db);
});
afterAll(async () => {
  for (const node of nodes) {
    await node.app.close();
    await node.db.destroy();
  }
  await database.drop();
});

describe('shared rate limits', () => {
  it('counts one account’s failed logins across nodes, without locking out a neighbour on the same address', async () => {
    const [a, b] = [await startNode(), await startNode()];
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await login(i % 2 ? b : a, victim.username, `wrong ${i}`)).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 429]);
    const blocked = await login(b, victim.username.toUpperCase(), PASSWORD);
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login(a, neighbour.username, PASSWORD)).statusCode).toBe(200);
  });

  it('stops one address trying many accounts, across nodes', async () => {
    const [a, b] = [nodes[0]!.app, nodes[1]!.app];
    const codes: number[] = [];
    for (let i = 0; i < 14; i++)
      codes.push((await login(i % 2 ? b : a, `someone${i}`, 'guess', '198.51.100.9')).statusCode);
    // The first test's 6 attempts came from another address; this one's ceiling is 12.
    expect(codes.filter((c) => c === 401)).toHaveLength(12);
    expect(codes.slice(12)).toEqual([429, 429]);
    expect((await login(a, neighbour.username, PASSWORD, '192.0.2.1')).statusCode).toBe(200);
  });
});
