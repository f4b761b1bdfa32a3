import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/kysely.ts';
import { AuthService } from './auth.service.ts';
import { SessionRepository } from './session.repository.ts';
import { SessionService } from './session.service.ts';
import { MembersRepository } from '../../content/index.ts';

/**
 * Makes sure the forum has an administrator.
 * - ADMIN_EMAIL + ADMIN_PASSWORD (deployments): that account exists and is an admin.
 * - Otherwise, on the very first start only: an `admin` account with a random password, printed once.
 */
export async function ensureAdmin(db: Db, config: Config, print: (line: string) => void): Promise<void> {
  const members = new MembersRepository(db);
  const auth = new AuthService(members, new SessionService(new SessionRepository(db)));
  if (config.adminEmail && config.adminPassword) {
    const existing = await members.getByLogin(config.adminEmail);
    if (existing) {
      if (existing.role !== 'admin') await members.setRole(existing.id, 'admin');
      return;
    }
    await auth.createMember({
      username: config.adminUsername,
      email: config.adminEmail,
      password: config.adminPassword,
      role: 'admin',
      acceptedNetiquette: true,
    });
    print(`Created the admin account ${config.adminUsername} <${config.adminEmail}> from ADMIN_EMAIL.`);
    return;
  }
  if ((await members.countByRole('admin')) > 0) return;
  const password = randomBytes(12).toString('base64url');
  const username = (await members.getByUsername(config.adminUsername))
    ? `${config.adminUsername}-${randomBytes(2).toString('hex')}`
    : config.adminUsername;
  await auth.createMember({
    username,
    email: `${username}@agora.invalid`,
    password,
    role: 'admin',
    acceptedNetiquette: true,
    displayName: 'Administrator',
  });
  print('');
  print('  ┌──────────────────────────────────────────────────────────┐');
  print('  │ First start: an administrator account was created.       │');
  print(`  │   login:    ${username.padEnd(45)}│`);
  print(`  │   password: ${password.padEnd(45)}│`);
  print('  │ It is shown only this once: note it, then change it with │');
  print('  │   npm run agora -- reset-password admin                  │');
  print('  └──────────────────────────────────────────────────────────┘');
  print('');
}
