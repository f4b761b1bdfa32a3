import Award from '@lucide/svelte/icons/award';
import AtSign from '@lucide/svelte/icons/at-sign';
import BellIcon from '@lucide/svelte/icons/bell';
import Check from '@lucide/svelte/icons/check';
import Eye from '@lucide/svelte/icons/eye';
import Heart from '@lucide/svelte/icons/heart';
import Lightbulb from '@lucide/svelte/icons/lightbulb';
import Mail from '@lucide/svelte/icons/mail';
import MessageSquare from '@lucide/svelte/icons/message-square';
import Shield from '@lucide/svelte/icons/shield';
import type { Notification } from '../../api/types.ts';
import { i18n, t, type MessageKey } from '../../i18n/index.svelte.ts';
import { paths } from '../../paths.ts';

/** Badge names by key, in both languages (from GET /api/badges). */
export type BadgeNames = Record<string, { fr: string; en: string }>;

/**
 * How a notification reads, where it leads and its icon: shared by the bell's menu and the notifications page.
 */
export function notificationLink(n: Notification, pageSize: number, me: string | null): string | null {
  const d = n.data;
  if (d.threadId) {
    const page = d.number ? Math.ceil(d.number / pageSize) : 1;
    return paths.thread(d.threadId, { page, post: d.number });
  }
  if (n.kind.startsWith('message') && d.conversationId) return paths.conversation(d.conversationId);
  if (n.kind === 'community.buzz') return paths.health();
  if (n.kind === 'badge.granted' && d.badge) return (d.badges?.length ?? 1) > 1 ? paths.badges() : paths.badge(d.badge);
  if (me) return paths.profile(me);
  return null;
}

/** Who did it: the display name, with the @username whenever it differs (a display name can imitate). */
function byName(by: Notification['data']['by']): string {
  if (!by) return '';
  const shown = by.displayName?.trim() || by.username;
  return shown === by.username ? shown : `${shown} (@${by.username})`;
}

export function notificationText(n: Notification, badgeNames: BadgeNames): string {
  const badgeName = (key: string) => badgeNames[key]?.[i18n.locale] || key;
  const badges = n.data.badges ?? (n.data.badge ? [n.data.badge] : []);
  const params = {
    name: byName(n.data.by),
    thread: n.data.threadTitle ?? '',
    subject: n.data.subject ?? '',
    level: n.data.level ?? '',
    status: n.data.status ? t(`ideas.status.${n.data.status}` as MessageKey) : '',
    badge: new Intl.ListFormat(i18n.locale, { type: 'conjunction' }).format(badges.map(badgeName)),
    n: n.kind === 'badge.granted' ? badges.length : n.count,
    others: n.count - 1,
  };
  if (n.kind === 'community.buzz') {
    return n.data.threadId
      ? t('notifications.text.buzzThread', { ...params, n: n.data.signals ?? 0 })
      : t('notifications.text.buzzDay', { n: n.data.signals ?? 0, usual: n.data.usual ?? 0 });
  }
  if (n.kind === 'badge.granted' && badges.length > 1) return t('tracking.badges.granted', params);
  const key = `notifications.text.${n.kind}` as MessageKey;
  if (key in i18n.messages) return t(key, params);
  if (n.kind.startsWith('sanction.')) return t('notifications.text.sanction');
  return t('notifications.text.other');
}

/** The icon of a kind, by the kind's family (the part before the dot). */
const ICONS: Record<string, typeof BellIcon> = {
  like: Heart,
  helpful: Heart,
  mention: AtSign,
  reply: MessageSquare,
  quote: MessageSquare,
  watched: Eye,
  message: Mail,
  idea: Lightbulb,
  badge: Award,
  trust: Award,
  answer: Check,
  moderation: Shield,
  sanction: Shield,
  community: Shield,
};
export const notificationIcon = (kind: string) => ICONS[kind.split('.')[0]!] ?? BellIcon;
