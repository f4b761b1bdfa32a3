/** Shapes of the API's JSON (see GET /api/docs for the source of truth). */
export type Role = 'member' | 'moderator' | 'community_manager' | 'admin';
export type ThreadKind = 'discussion' | 'question' | 'tip' | 'idea' | 'announcement';
export type Sort = 'latest' | 'top' | 'unanswered';

export interface Site {
  name: string;
  tagline: string;
  defaultLocale: 'fr' | 'en';
  limits: { titleMin: number; titleMax: number; bodyMin: number; bodyMax: number; pageSize: number };
}

export interface Me {
  id: number;
  username: string;
  displayName: string;
  bio: string;
  role: Role;
  trustLevel: number;
  reputation: number;
  postCount: number;
  createdAt: string;
  email: string;
  locale: 'fr' | 'en';
  suspendedUntil: string | null;
  banned: boolean;
}

export interface Category {
  id: number;
  slug: string;
  name: string;
  description: string;
  color: string;
  position: number;
  moderationMode: string;
  bypassTrustLevel: number;
  threadCount: number;
  postCount: number;
}

export interface CategorySummary {
  id: number;
  slug: string;
  name: string;
  color: string;
}

export interface ThreadListItem {
  id: number;
  title: string;
  kind: ThreadKind;
  pinned: boolean;
  featured: boolean;
  official: boolean;
  locked: boolean;
  answered: boolean;
  replyCount: number;
  score: number;
  createdAt: string;
  lastPostAt: string;
  category: CategorySummary;
  author: { id: number; username: string; displayName: string };
  lastPoster: string | null;
}

export interface ThreadList {
  category: Category | null;
  pinned: ThreadListItem[];
  threads: ThreadListItem[];
  nextCursor: string | null;
}

export interface Author {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  trustLevel: number;
  reputation: number;
  topBadge?: { key: string; tier: BadgeTier; name: { fr: string; en: string } } | null;
}

export type BadgeTier = 'bronze' | 'silver' | 'gold';

export interface Badge {
  key: string;
  tier: BadgeTier;
  manual: boolean;
  criteria: { stat: string; min: number } | null;
  name: { fr: string; en: string };
  description: { fr: string; en: string };
  holders: number;
  rarity: number;
}

export interface MemberReputation {
  reputation: number;
  trust: {
    level: number;
    next: { level: number; requirements: { key: string; current: number; needed: number; met: boolean }[] } | null;
    cappedBy: string | null;
  };
  badges: { key: string; tier: BadgeTier; name: { fr: string; en: string }; description: { fr: string; en: string }; reason: string; grantedAt: string }[];
  ledger: { id: number; kind: string; points: number; createdAt: string; threadId: number | null; threadTitle: string | null; postNumber: number | null }[];
  nextBefore: number | null;
}

export interface Leader {
  rank: number;
  id: number;
  username: string;
  displayName: string;
  trustLevel: number;
  points: number;
}

export interface Post {
  id: number;
  number: number;
  state: string;
  html: string;
  likeCount: number;
  helpfulCount: number;
  liked: boolean;
  markedHelpful: boolean;
  editCount: number;
  editedAt: string | null;
  createdAt: string;
  replyTo: { id: number; number: number; username: string } | null;
  review: Review | null;
  author: Author;
}

export interface Hit {
  ruleKey: string;
  action: 'allow' | 'censor' | 'flag' | 'hold' | 'reject';
  messages: { fr: string; en: string };
  field: 'title' | 'body';
  start: number;
  end: number;
  excerpt: string;
  retryAfterSeconds?: number;
}

export interface Verdict {
  action: Hit['action'];
  hits: Hit[];
}

export interface ReasonTemplate {
  key: string;
  fr: string;
  en: string;
}

export interface Review {
  reasons?: string[];
  hits?: Hit[];
  decision?: { reason: ReasonTemplate; note: string | null; decidedAt: string };
}

export interface QueueItem {
  id: number;
  reasons: string[];
  status: string;
  priority: number;
  reportCount: number;
  hits: Hit[];
  createdAt: string;
  ageMinutes: number;
  targetMinutes: number;
  overdue: boolean;
  claimedBy: { id: number; username: string } | null;
  decisionReason: string | null;
  appealMessage: string | null;
  post: { id: number; number: number; state: string; body: string; html: string; threadId: number; threadTitle: string; categoryId: number };
  author: {
    id: number;
    username: string;
    trustLevel: number;
    accountAgeDays: number;
    postCount: number;
    pastDecisions: { rejected: number; decided: number };
  };
}

export interface Rule {
  key: string;
  kind: string;
  builtin: boolean;
  name: { fr: string; en: string };
  action: Hit['action'];
  enabled: boolean;
  categoryIds: number[] | null;
  params: Record<string, unknown>;
  messages: { fr: string; en: string };
  stats: { hits30d: number; upheld: number; overturned: number; precision: number | null };
  weekly: number[];
  updatedAt: string;
}

export interface RuleDraft {
  kind: 'words' | 'regex';
  action: Hit['action'];
  name: string;
  words?: string[];
  pattern?: string;
  messageFr?: string;
  messageEn?: string;
  categoryIds?: number[] | null;
}

export interface Backtest {
  scanned: number;
  matched: number;
  matches: { postId: number; threadId: number; number: number; title: string; text: string; hits: { field: string; start: number; end: number; excerpt: string }[] }[];
}

export interface ThreadPage {
  thread: {
    id: number;
    title: string;
    kind: ThreadKind;
    bugReport?: boolean;
    state: string;
    pinned: boolean;
    featured: boolean;
    official: boolean;
    locked: boolean;
    acceptedPostId: number | null;
    postCount: number;
    replyCount: number;
    score: number;
    createdAt: string;
    lastPostAt: string;
    category: CategorySummary;
    author: { id: number; username: string; displayName: string };
  };
  posts: Post[];
  page: { after: number; limit: number; nextAfter: number | null; total: number };
  viewer: { canReply: boolean; canModerate: boolean; canAccept: boolean };
}

export interface PostView {
  id: number;
  threadId: number;
  number: number;
  state: string;
  html: string;
  createdAt: string;
}

export interface Profile {
  member: Omit<Me, 'email' | 'locale' | 'suspendedUntil' | 'banned'>;
  recentPosts: { id: number; number: number; threadId: number; threadTitle: string; excerpt: string; createdAt: string }[];
}

export interface Segment {
  text: string;
  hit: boolean;
}

export interface SearchResult {
  postId: number;
  number: number;
  state: string;
  createdAt: string;
  thread: { id: number; title: Segment[]; kind: ThreadKind; state: string; answered: boolean };
  category: { id: number; slug: string; name: string; color: string };
  author: { username: string; displayName: string };
  snippet: Segment[];
}

export interface SearchParams {
  q: string;
  category?: string;
  author?: string;
  kind?: ThreadKind;
  from?: string;
  to?: string;
  answered?: boolean;
  cursor?: string | null;
}

export interface TitleSuggestion {
  threadId: number;
  title: string;
  kind: ThreadKind;
  replyCount: number;
  answered: boolean;
}

export interface SearchMisses {
  days: number;
  searches: number;
  withoutResults: number;
  queries: { query: string; count: number; last: string }[];
}

/** GET /api/notifications (server/modules/notifications/notifications.routes.ts). */
export interface Notification {
  id: number;
  kind: string;
  data: {
    postId?: number;
    threadId?: number;
    threadTitle?: string;
    number?: number;
    by?: { username: string; displayName: string };
    badge?: string;
    level?: number;
    reason?: string;
    status?: string;
    note?: string;
    signals?: number;
    usual?: number;
  };
  count: number;
  read: boolean;
  createdAt: string;
}
export interface NotificationPage {
  notifications: Notification[];
  unread: number;
  nextBefore: number | null;
}

/** GET /api/threads/scheduled (community managers). */
export interface ScheduledThread {
  id: number;
  title: string;
  kind: string;
  publishAt: string;
  category: { slug: string; name: string; color: string };
  author: { username: string };
}

/** Ideas (server/modules/ideas). */
export type IdeaStatus = 'new' | 'under_review' | 'planned' | 'shipped' | 'declined';
export interface IdeaPanel {
  status: IdeaStatus;
  note: string;
  statusAt: string | null;
  votes: number;
  voted: boolean;
  following: boolean;
}
export interface IdeaItem {
  id: number;
  title: string;
  status: IdeaStatus;
  note: string;
  votes: number;
  replies: number;
  voted: boolean;
  createdAt: string;
  category: { slug: string; name: string; color: string };
  author: { username: string };
}

/** GET /api/community/health (server/modules/community/health.routes.ts). */
export interface Health {
  days: number;
  generatedAt: string;
  daily: ({ day: string; posts: number; threads: number; members: number } & WarningSigns)[];
  members: { total: number; new7: number; new30: number; active7: number; active30: number };
  firstReply: { medianMinutes: number | null; threadsAnswered: number };
  questions: { total: number; unanswered: number; unansweredPercent: number };
  moderation: { open: number; decided: number; medianDecisionMinutes: number | null };
  posts: { total: number; flagged: number; rejected: number; negative: number; flaggedPercent: number; rejectedPercent: number; negativePercent: number };
  topContributors: { username: string; displayName: string; points: number; posts: number }[];
  risingMembers: { username: string; displayName: string; points: number; joinedAt: string }[];
  alerts: {
    days: ({ day: string; usual: number } & WarningSigns)[];
    threads: ({ threadId: number; title: string; previous: number; posts: number } & WarningSigns)[];
  };
}
/** The bad-buzz alert's warning signs: negative posts, netiquette rule hits, reports, and their sum. */
export interface WarningSigns {
  signals: number;
  negative: number;
  flags: number;
  reports: number;
}

/** /api/manage/members (community managers). */
export interface ManagedMember {
  id: number;
  username: string;
  displayName: string;
  email: string;
  role: string;
  trustLevel: number;
  reputation: number;
  posts: number;
  joinedAt: string;
  lastSeenAt: string | null;
  status: 'active' | 'suspended' | 'banned';
}
export interface MemberRecord extends Omit<ManagedMember, 'status'> {
  trustGranted: boolean;
  suspendedUntil: string | null;
  bannedAt: string | null;
  activity: { posts30: number; threads30: number; reportsMade: number; reportsUpheldAgainst: number; rejectedPosts: number };
  recentPosts: { id: number; number: number; state: string; createdAt: string; threadId: number; threadTitle: string }[];
  warnings: { reason: string; note: string; expiresAt: string; createdAt: string }[];
  badges: { key: string; tier: BadgeTier; name: { fr: string; en: string }; awardedAt: string }[];
  history: { action: string; at: string }[];
}

/** GET /api/home. */
export interface HomeItem {
  id: number;
  title: string;
  kind: string;
  official: boolean;
  replyCount: number;
  createdAt: string;
  category: { slug: string; name: string; color: string };
  author: { username: string };
}

/** /api/topic-templates (community managers). */
export interface TopicTemplate {
  id: number;
  locale: 'fr' | 'en';
  name: string;
  kind: ThreadKind;
  title: string;
  body: string;
  builtIn: boolean;
}
