import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../setup/app.ts';

/** Issue 13 §8 and "what must be true": passwords are scored, weak ones refused with a clear code. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

let n = 0;
const register = (password: string, username = `grimpeur_${n}`) =>
  t.api('POST', '/api/auth/register', {
    body: { username, email: `grimpeur${n++}@example.test`, password, acceptNetiquette: true },
  });

describe('password strength at registration', () => {
  it.each([
    ['password'],
    ['motdepasse'],
    ['azertyuiop'],
    ['Password1!'],
    ['soleil2024'],
    ['12345678'],
    ['p@ssw0rd!'],
    ['jetaime123'],
  ])('refuses %s with 422 password.weak and zxcvbn’s feedback', async (password) => {
    const res = await register(password);
    expect(res.statusCode).toBe(422);
    const { error } = res.json();
    expect(error.code).toBe('password.weak');
    expect(error.details).toMatchObject({ field: 'password', minScore: 3 });
    expect(error.details.score).toBeLessThan(3);
    expect(Array.isArray(error.details.suggestions)).toBe(true);
  });

  it('counts the username and e-mail address as known words', async () => {
    const res = await t.api('POST', '/api/auth/register', {
      body: {
        username: 'Randonneur_Alpin',
        email: 'lea.vercors@example.test',
        password: 'RandonneurAlpin!',
        acceptNetiquette: true,
      },
    });
    expect(res.json().error.code).toBe('password.weak');
  });

  it.each(['correct horse battery', 'un mot de passe sûr', 'x9Kq2mZp7LwB', 'Le chamois saute 3 fois'])(
    'accepts %s',
    async (password) => {
      expect((await register(password)).statusCode).toBe(201);
    },
  );

  it('still answers the simpler rules first', async () => {
    expect((await register('court')).json().error.code).toBe('password.too_short');
    expect((await register('grimpeur_same', 'grimpeur_same')).json().error.code).toBe('password.guessable');
  });
});
