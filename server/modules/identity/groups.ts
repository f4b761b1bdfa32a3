import type { DiscourseConnectConfig } from '../../config-identity.ts';
import { MembersRepository } from '../../content/index.ts';
import type { Executor } from '../../db/kysely.ts';
import type { Member, Role } from '../../db/types.ts';
import { AuditRepository } from '../../events/audit.repository.ts';
import { IdentityRepository } from './identity.repository.ts';

const RANK: Record<Role, number> = { member: 0, moderator: 1, community_manager: 2, admin: 3 };

/**
 * The brand's groups (DiscourseConnect `groups`) → roles and badges here, at each sign-in (SSO_GROUP_ROLES,
 * SSO_GROUP_BADGES). A role is raised to the highest one the groups give; a role the groups gave is taken back when
 * they stop giving it; a role given here (by an administrator) is never lowered by a provider. Each change is an
 * audit row with no actor (the provider acted) and the groups that caused it.
 */
export async function applyGroups(
  trx: Executor,
  config: DiscourseConnectConfig | undefined,
  member: Pick<Member, 'id' | 'role'>,
  identity: { id: number; provider: string; granted_role: string | null },
  groups: string[] | null,
): Promise<void> {
  if (!config || identity.provider !== 'discourse' || groups === null) return;
  const audit = new AuditRepository(trx);
  const identities = new IdentityRepository(trx);
  const members = new MembersRepository(trx);
  const mapped = groups
    .map((g) => config.groupRoles[g])
    .filter((r) => r !== undefined)
    .sort((a, b) => RANK[b] - RANK[a])[0];
  const record = (action: string, data: Record<string, unknown>) =>
    audit.record({
      actorId: null,
      action,
      subjectType: 'member',
      subjectId: member.id,
      data: { ...data, via: 'sso', groups },
    });

  if (mapped && RANK[mapped] > RANK[member.role]) {
    await members.setRole(member.id, mapped);
    await identities.setGrantedRole(identity.id, mapped);
    await record('role.granted', { from: member.role, role: mapped });
  } else if (identity.granted_role && identity.granted_role === member.role && mapped !== member.role) {
    const next: Role = mapped ?? 'member';
    await members.setRole(member.id, next);
    await identities.setGrantedRole(identity.id, mapped ?? null);
    await record('role.revoked', { from: member.role, role: next });
  }

  for (const group of groups) {
    const badge = config.groupBadges[group];
    if (badge && (await identities.grantBadge(member.id, badge, `SSO: ${group}`))) {
      await record('badge.awarded', { badge });
    }
  }
}
