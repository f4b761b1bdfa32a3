import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../server/db/types.ts';
import { createMember } from '../factories/index.ts';
import { createTestApp, type TestApp } from '../setup/app.ts';

/** The topic templates library (issue 7): built-in ones in both languages, managers' own, and the refusals. */
let t: TestApp;
let manager: Member;
let moderator: Member;
let member: Member;

beforeAll(async () => {
  t = await createTestApp();
  manager = await createMember(t.db, { role: 'community_manager' });
  moderator = await createMember(t.db, { role: 'moderator' });
  member = await createMember(t.db, { trustLevel: 2 });
});
afterAll(() => t.close());

describe('topic templates', () => {
  it('starts with the question of the week, a contest, a test call and an event recap, in French and English', async () => {
    const fr = (await t.api('GET', '/api/topic-templates?locale=fr', { as: manager })).json().templates;
    expect(fr.map((x: { name: string }) => x.name).sort()).toEqual([
      'Appel à testeurs',
      'Concours',
      'Question de la semaine',
      'Retour sur l’événement',
    ]);
    const en = (await t.api('GET', '/api/topic-templates?locale=en', { as: manager })).json().templates;
    expect(en).toHaveLength(4);
    expect(en.every((x: { builtIn: boolean; locale: string }) => x.builtIn && x.locale === 'en')).toBe(true);
  });

  it('lets managers add, change and remove their own, but not remove a built-in one', async () => {
    const body = {
      locale: 'fr',
      name: 'Sortie du mois',
      kind: 'discussion',
      title: 'Sortie du mois : …',
      body: 'Rendez-vous le … à …',
    };
    const created = await t.api('POST', '/api/topic-templates', { as: manager, body });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    const changed = await t.api('PUT', `/api/topic-templates/${id}`, {
      as: manager,
      body: { ...body, name: 'Sortie mensuelle' },
    });
    expect(changed.json()).toMatchObject({ name: 'Sortie mensuelle', builtIn: false });
    expect((await t.api('DELETE', `/api/topic-templates/${id}`, { as: manager })).statusCode).toBe(200);
    expect((await t.api('DELETE', `/api/topic-templates/${id}`, { as: manager })).statusCode).toBe(404);
    const builtIn = (await t.api('GET', '/api/topic-templates', { as: manager })).json().templates[0];
    expect((await t.api('DELETE', `/api/topic-templates/${builtIn.id}`, { as: manager })).statusCode).toBe(422);
    expect(
      (await t.api('POST', '/api/topic-templates', { as: manager, body: { ...body, kind: 'poem' } })).statusCode,
    ).toBe(422);
  });

  it('is for community managers only', async () => {
    for (const as of [member, moderator]) {
      expect((await t.api('GET', '/api/topic-templates', { as })).statusCode).toBe(403);
      expect(
        (
          await t.api('POST', '/api/topic-templates', {
            as,
            body: { locale: 'fr', name: 'x', kind: 'discussion', title: 'x', body: 'x' },
          })
        ).statusCode,
      ).toBe(403);
    }
    expect((await t.api('GET', '/api/topic-templates')).statusCode).toBe(401);
  });
});
