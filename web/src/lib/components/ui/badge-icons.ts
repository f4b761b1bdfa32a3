import Award from '@lucide/svelte/icons/award';
import Cake from '@lucide/svelte/icons/cake';
import CheckCheck from '@lucide/svelte/icons/check-check';
import Crown from '@lucide/svelte/icons/crown';
import Gem from '@lucide/svelte/icons/gem';
import HandHeart from '@lucide/svelte/icons/hand-heart';
import HeartHandshake from '@lucide/svelte/icons/heart-handshake';
import Lightbulb from '@lucide/svelte/icons/lightbulb';
import Medal from '@lucide/svelte/icons/medal';
import Megaphone from '@lucide/svelte/icons/megaphone';
import MessageCircleQuestion from '@lucide/svelte/icons/message-circle-question-mark';
import MessageSquareText from '@lucide/svelte/icons/message-square-text';
import PartyPopper from '@lucide/svelte/icons/party-popper';
import PenLine from '@lucide/svelte/icons/pen-line';
import ShieldCheck from '@lucide/svelte/icons/shield-check';
import Sprout from '@lucide/svelte/icons/sprout';
import Star from '@lucide/svelte/icons/star';
import ThumbsUp from '@lucide/svelte/icons/thumbs-up';
import Trophy from '@lucide/svelte/icons/trophy';
import type { BadgeTier } from '../../api/types.ts';

/**
 * A badge's icon: by its family (what it rewards: posting, answers, helping, welcoming, seniority…) for the
 * built-in badges, else by tier (bronze award, silver medal, gold trophy); the tier also sets the chip's colours.
 */
const BY_KEY: Record<string, typeof Award> = {
  first_post: PenLine,
  talkative: MessageSquareText,
  pillar: Gem,
  first_thread: Sprout,
  curious: MessageCircleQuestion,
  first_tip: Star,
  idea_box: Lightbulb,
  clever: Star,
  first_solution: CheckCheck,
  expert: CheckCheck,
  sage: Crown,
  helpful: ThumbsUp,
  welcome: HandHeart,
  welcome_committee: HeartHandshake,
  anniversary: Cake,
  veteran: ShieldCheck,
  respected: Medal,
  legend: Trophy,
  vip: Crown,
  ambassador: Megaphone,
  contest_winner: PartyPopper,
};
const BY_TIER: Record<BadgeTier, typeof Award> = { bronze: Award, silver: Medal, gold: Trophy };

export const badgeIcon = (key: string | undefined, tier: BadgeTier) => (key && BY_KEY[key]) || BY_TIER[tier];
