import { type RawBuilder, sql } from 'kysely';
import type { BadgeTier } from '../../db/types.ts';

/**
 * Badges are data: a tier, names and descriptions in both languages, and for automatic badges a criterion
 * over a member's activity — a statistic and a minimum. The statistics are SQL expressions over one member
 * (`m` is the members row), so the same definition grants a badge to one member after an event, or to
 * every member at once when a badge is defined (backfill).
 */
export const STATS = {
  posts: sql<number>`m.post_count`,
  reputation: sql<number>`m.reputation`,
  accountDays: sql<number>`floor(extract(epoch from now() - m.created_at) / 86400)::int`,
  threads: sql<number>`(SELECT count(*)::int FROM threads t WHERE t.author_id = m.id AND t.state = 'published')`,
  tips: sql<number>`(SELECT count(*)::int FROM threads t WHERE t.author_id = m.id AND t.state = 'published' AND t.kind = 'tip')`,
  ideas: sql<number>`(SELECT count(*)::int FROM threads t WHERE t.author_id = m.id AND t.state = 'published' AND t.kind = 'idea')`,
  questions: sql<number>`(SELECT count(*)::int FROM threads t WHERE t.author_id = m.id AND t.state = 'published' AND t.kind = 'question')`,
  // Only posts that have some (posts_author_liked_idx): the sum is the same, without reading every post.
  likesReceived: sql<number>`(SELECT coalesce(sum(p.like_count), 0)::int FROM posts p WHERE p.author_id = m.id AND p.state = 'published' AND p.like_count > 0)`,
  helpfulReceived: sql<number>`(SELECT coalesce(sum(p.helpful_count), 0)::int FROM posts p WHERE p.author_id = m.id AND p.state = 'published' AND p.helpful_count > 0)`,
  helpfulTips: sql<number>`(SELECT count(*)::int FROM threads t JOIN posts p ON p.thread_id = t.id AND p.number = 1
                            WHERE t.author_id = m.id AND t.kind = 'tip' AND t.state = 'published' AND p.helpful_count > 0)`,
  acceptedAnswers: sql<number>`(SELECT count(*)::int FROM threads t JOIN posts p ON p.id = t.accepted_post_id
                                WHERE p.author_id = m.id AND t.state = 'published')`,
  // Threads that were their author's first, where this member replied (welcoming newcomers).
  newcomerReplies: sql<number>`(SELECT count(DISTINCT t.id)::int FROM threads t
                                JOIN posts p ON p.thread_id = t.id AND p.author_id = m.id AND p.number > 1 AND p.state = 'published'
                                WHERE t.author_id <> m.id
                                  AND NOT EXISTS (SELECT 1 FROM threads e WHERE e.author_id = t.author_id AND e.id < t.id))`,
} satisfies Record<string, RawBuilder<number>>;

export type Stat = keyof typeof STATS;

export interface BadgeDefinition {
  key: string;
  tier: BadgeTier;
  /** Absent for manual badges, which community managers award. */
  criteria?: { stat: Stat; min: number };
  name: { fr: string; en: string };
  description: { fr: string; en: string };
}

const auto = (
  key: string,
  tier: BadgeTier,
  stat: Stat,
  min: number,
  fr: [string, string],
  en: [string, string],
): BadgeDefinition => ({
  key,
  tier,
  criteria: { stat, min },
  name: { fr: fr[0], en: en[0] },
  description: { fr: fr[1], en: en[1] },
});

/** The badges every community starts with (24: 21 automatic, 3 awarded by community managers). */
export const BUILTIN_BADGES: BadgeDefinition[] = [
  auto(
    'first_post',
    'bronze',
    'posts',
    1,
    ['Premier message', 'A publié son premier message.'],
    ['First post', 'Published a first post.'],
  ),
  auto(
    'first_thread',
    'bronze',
    'threads',
    1,
    ['Premier sujet', 'A lancé sa première discussion.'],
    ['First topic', 'Started a first topic.'],
  ),
  auto(
    'curious',
    'bronze',
    'questions',
    1,
    ['Curieux', 'A posé une première question.'],
    ['Curious', 'Asked a first question.'],
  ),
  auto(
    'first_tip',
    'bronze',
    'tips',
    1,
    ['Partageur', 'A partagé une première astuce.'],
    ['Sharer', 'Shared a first tip.'],
  ),
  auto(
    'idea_box',
    'bronze',
    'ideas',
    1,
    ['Boîte à idées', 'A proposé une première idée à la marque.'],
    ['Idea box', 'Suggested a first idea to the brand.'],
  ),
  auto(
    'first_solution',
    'bronze',
    'acceptedAnswers',
    1,
    ['Première solution', 'Une de ses réponses a été acceptée.'],
    ['First solution', 'One of their answers was accepted.'],
  ),
  auto(
    'helpful',
    'bronze',
    'helpfulReceived',
    1,
    ['Utile', 'Un de ses messages a été marqué utile.'],
    ['Helpful', 'One of their posts was marked helpful.'],
  ),
  auto(
    'welcome',
    'bronze',
    'newcomerReplies',
    1,
    ['Bienvenue !', 'A répondu au premier sujet d’un nouveau membre.'],
    ['Welcome!', 'Replied to a newcomer’s first topic.'],
  ),
  auto(
    'liked_10',
    'bronze',
    'likesReceived',
    10,
    ['Apprécié', 'A reçu 10 « j’aime ».'],
    ['Appreciated', 'Received 10 likes.'],
  ),
  auto(
    'anniversary',
    'bronze',
    'accountDays',
    365,
    ['Un an parmi nous', 'Membre depuis un an.'],
    ['One year with us', 'Member for a year.'],
  ),
  auto(
    'liked_50',
    'silver',
    'likesReceived',
    50,
    ['Populaire', 'A reçu 50 « j’aime ».'],
    ['Popular', 'Received 50 likes.'],
  ),
  auto(
    'clever',
    'silver',
    'helpfulTips',
    10,
    ['Astucieux', '10 astuces marquées utiles.'],
    ['Clever', '10 tips marked helpful.'],
  ),
  auto(
    'expert',
    'silver',
    'acceptedAnswers',
    10,
    ['Expert', '10 réponses acceptées.'],
    ['Expert', '10 accepted answers.'],
  ),
  auto('talkative', 'silver', 'posts', 100, ['Bavard', '100 messages publiés.'], ['Talkative', '100 posts published.']),
  auto(
    'welcome_committee',
    'silver',
    'newcomerReplies',
    25,
    ['Comité d’accueil', 'A répondu aux premiers sujets de 25 nouveaux membres.'],
    ['Welcome committee', 'Replied to the first topics of 25 newcomers.'],
  ),
  auto(
    'respected',
    'silver',
    'reputation',
    100,
    ['Respecté', '100 points de réputation.'],
    ['Respected', '100 reputation points.'],
  ),
  auto(
    'veteran',
    'silver',
    'accountDays',
    1095,
    ['Vétéran', 'Membre depuis trois ans.'],
    ['Veteran', 'Member for three years.'],
  ),
  auto(
    'liked_250',
    'gold',
    'likesReceived',
    250,
    ['Star de la communauté', 'A reçu 250 « j’aime ».'],
    ['Community star', 'Received 250 likes.'],
  ),
  auto('sage', 'gold', 'acceptedAnswers', 50, ['Sage', '50 réponses acceptées.'], ['Sage', '50 accepted answers.']),
  auto('pillar', 'gold', 'posts', 1000, ['Pilier', '1 000 messages publiés.'], ['Pillar', '1,000 posts published.']),
  auto(
    'legend',
    'gold',
    'reputation',
    1000,
    ['Légende', '1 000 points de réputation.'],
    ['Legend', '1,000 reputation points.'],
  ),
  {
    key: 'vip',
    tier: 'gold',
    name: { fr: 'VIP', en: 'VIP' },
    description: { fr: 'Membre distingué par l’équipe.', en: 'Member distinguished by the team.' },
  },
  {
    key: 'ambassador',
    tier: 'gold',
    name: { fr: 'Ambassadeur', en: 'Ambassador' },
    description: { fr: 'Relais de la marque dans la communauté.', en: 'The brand’s relay in the community.' },
  },
  {
    key: 'contest_winner',
    tier: 'silver',
    name: { fr: 'Lauréat', en: 'Contest winner' },
    description: { fr: 'A remporté un concours de la communauté.', en: 'Won a community contest.' },
  },
];

export const TIER_RANK: Record<BadgeTier, number> = { bronze: 1, silver: 2, gold: 3 };
