import type { Db } from '../../server/db/kysely.ts';
import type { Member, Role, ThreadKind } from '../../server/db/types.ts';
import type { Actor } from '../../server/access/access.ts';
import { hashPassword } from '../../server/lib/password.ts';
import { CategoriesRepository, MembersRepository } from '../../server/content/index.ts';
import { Publisher } from '../../server/modules/forum/publish.ts';
import { NetiquetteService } from '../../server/modules/netiquette/netiquette.service.ts';
import { ModerationSettingsStore } from '../../server/modules/moderation/moderation.settings.ts';
import { ReputationService } from '../../server/modules/reputation/reputation.service.ts';
import { ReputationSettingsStore } from '../../server/modules/reputation/reputation.settings.ts';
import { loadConfig } from '../../server/config.ts';

/** Complete rows with unique values, written through the real repositories and the real publish pipeline. */
let counter = 0;
// Decimal digits only: they stay distinct under the confusable folding usernames are unique by (0 → o, 1 → l, but no
// two digits fold alike), which base-36 letters did not (`l` and `1`).
const unique = () => `${Date.now()}x${counter++}`;

export const PASSWORD = 'correct horse battery';
let passwordHash: Promise<string> | undefined;

/**
 * Figures that earn each trust level under the default thresholds: a member made at a level stays there
 * when the trust level is recomputed (after each post, like or sanction). Level 4 is a grant.
 */
const FIGURES_BY_LEVEL = [
  { reputation: 0, posts: 0, days: 0 },
  { reputation: 5, posts: 3, days: 2 },
  { reputation: 50, posts: 20, days: 15 },
  { reputation: 250, posts: 100, days: 61 },
  { reputation: 250, posts: 100, days: 61 },
];

export async function createMember(
  db: Db,
  overrides: Partial<{
    username: string;
    email: string;
    role: Role;
    trustLevel: number;
    suspendedUntil: Date;
    bannedAt: Date;
  }> = {},
): Promise<Member> {
  passwordHash ??= hashPassword(PASSWORD);
  const id = unique();
  const level = overrides.trustLevel ?? 1;
  const figures = FIGURES_BY_LEVEL[level]!;
  return new MembersRepository(db).create({
    username: overrides.username ?? `member_${id}`,
    email: overrides.email ?? `member_${id}@example.test`,
    password_hash: await passwordHash,
    role: overrides.role ?? 'member',
    trust_level: level,
    trust_granted: level === 4,
    reputation: figures.reputation,
    post_count: figures.posts,
    created_at: new Date(Date.now() - figures.days * 86_400_000),
    suspended_until: overrides.suspendedUntil ?? null,
    banned_at: overrides.bannedAt ?? null,
    netiquette_accepted_at: new Date(),
  });
}

export function createCategory(db: Db, overrides: Partial<{ slug: string; name: string }> = {}) {
  const id = unique();
  return new CategoriesRepository(db).create({
    slug: overrides.slug ?? `cat-${id}`.toLowerCase().replace(/[^a-z0-9-]/g, ''),
    name: overrides.name ?? `Catégorie ${id}`,
  });
}

export function actorOf(member: Member): Actor {
  return {
    id: member.id,
    username: member.username,
    role: member.role,
    trustLevel: member.trust_level,
    suspendedUntil: member.suspended_until,
    bannedAt: member.banned_at,
  };
}

const publisherFor = (db: Db) =>
  new Publisher(
    db,
    loadConfig({}).limits,
    new NetiquetteService(db),
    new ModerationSettingsStore(db),
    new ReputationService(new ReputationSettingsStore(db)),
  );

export async function createThread(
  db: Db,
  author: Member,
  categoryId: number,
  overrides: Partial<{ title: string; body: string; kind: ThreadKind }> = {},
) {
  const { thread, post } = await publisherFor(db).createThread(actorOf(author), {
    categoryId,
    title: overrides.title ?? `Un fil de discussion ${unique()}`,
    body: overrides.body ?? 'Le premier message du fil, avec **du gras**.',
    kind: overrides.kind ?? 'discussion',
  });
  return { thread, post };
}

export async function createReply(db: Db, author: Member, threadId: number, body = 'Une réponse utile.') {
  const { post } = await publisherFor(db).reply(actorOf(author), threadId, { body });
  return post;
}
