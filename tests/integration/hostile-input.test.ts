import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../server/db/types.ts';
import { createCategory, createMember, createThread } from '../factories/index.ts';
import { createTestApp, ORIGIN, type TestApp } from '../setup/app.ts';

/**
 * Every route of the OpenAPI document, walked with the values that used to reach the database and come back
 * as 500s (non-finite numbers, integers past int32, NUL characters), as a visitor and as a member: a client's
 * mistake or attack is always a 4xx. Routes are read from the document, so a new route is walked too.
 */
interface Operation {
  parameters?: { in: 'path' | 'query'; name: string; schema?: { type?: string } }[];
  requestBody?: { content?: { 'application/json'?: { schema?: JsonSchema } } };
}
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  $ref?: string;
}

const HOSTILE_SCALARS = [
  '1e400',
  '-1e400',
  '99999999999',
  '3000000000',
  '-99999999999',
  'NaN',
  'Infinity',
  'a\u0000b',
  '%00',
  '0x10',
];

/** A body with every integer or number field set to a raw JSON token, and every string to one with a NUL. */
function hostileBody(schema: JsonSchema | undefined, numberToken: string): string {
  const walk = (s: JsonSchema | undefined, depth: number): string => {
    if (!s || depth > 4) return 'null';
    const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
    if (type === 'integer' || type === 'number') return numberToken;
    if (type === 'string') return JSON.stringify('x\u0000y');
    if (type === 'boolean') return 'true';
    if (type === 'array') return `[${walk(s.items, depth + 1)}]`;
    if (type === 'object' || s.properties) {
      const fields = Object.entries(s.properties ?? {}).map(([k, v]) => `${JSON.stringify(k)}:${walk(v, depth + 1)}`);
      return `{${fields.join(',')}}`;
    }
    return 'null';
  };
  return walk(schema, 0);
}

let t: TestApp;
let member: Member;
let admin: Member;
let threadId: number;
beforeAll(async () => {
  t = await createTestApp();
  member = await createMember(t.db);
  admin = await createMember(t.db, { role: 'admin' });
  const category = await createCategory(t.db);
  threadId = (await createThread(t.db, member, category.id)).thread.id;
});
afterAll(() => t.close());

describe('hostile input on every route', () => {
  it('never answers 5xx, as a visitor, a member or an administrator', async () => {
    const document = t.app.swagger() as { paths: Record<string, Record<string, Operation>> };
    const cookie = await t.loginAs(member);
    const staff = await t.loginAs(admin);
    const failures: string[] = [];
    let requests = 0;
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const params = operation.parameters ?? [];
        const pathParams = params.filter((p) => p.in === 'path');
        const queryParams = params.filter((p) => p.in === 'query');
        const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
        const fill = (value: string) =>
          path.replace(/\{(\w+)\}/g, (_, name: string) =>
            pathParams.some((p) => p.name === name) ? value : String(threadId),
          );
        const attempts: { url: string; payload?: string }[] = [];
        for (const value of HOSTILE_SCALARS) {
          const encoded = value === '%00' ? value : encodeURIComponent(value);
          if (pathParams.length) attempts.push({ url: fill(encoded) });
          for (const q of queryParams) attempts.push({ url: `${fill(String(threadId))}?${q.name}=${encoded}` });
        }
        if (method !== 'get' && bodySchema) {
          for (const token of ['1e400', '-1e400', '3000000000', '99999999999', '1.5']) {
            attempts.push({ url: fill(String(threadId)), payload: hostileBody(bodySchema, token) });
          }
        }
        for (const attempt of attempts) {
          for (const who of [undefined, cookie, staff]) {
            const headers: Record<string, string> = { host: 'forum.test:3000' };
            if (method !== 'get') headers.origin = ORIGIN;
            if (who) headers.cookie = who;
            if (attempt.payload !== undefined) headers['content-type'] = 'application/json';
            const res = await t.app.inject({
              method: method.toUpperCase() as 'GET',
              url: attempt.url,
              headers,
              ...(attempt.payload !== undefined && { payload: attempt.payload }),
            });
            requests++;
            if (res.statusCode >= 500) {
              failures.push(
                `${method.toUpperCase()} ${attempt.url} ${attempt.payload ?? ''} ${who === staff ? 'admin' : who ? 'member' : 'visitor'} → ${res.statusCode} ${res.body.slice(0, 120)}`,
              );
            }
          }
        }
      }
    }
    expect(requests).toBeGreaterThan(500);
    expect(failures).toEqual([]);
  }, 120_000);
});
