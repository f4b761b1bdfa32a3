import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Kysely's view of the tables created in migrations/. Keep in step with them. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type Role = 'member' | 'moderator' | 'community_manager' | 'admin';
export type ThreadKind = 'discussion' | 'question' | 'tip' | 'idea' | 'announcement';
export type IdeaStatus = 'new' | 'under_review' | 'planned' | 'shipped' | 'declined';
export type ThreadState = 'scheduled' | 'pending' | 'published' | 'hidden' | 'deleted';
export type PostState = 'pending' | 'published' | 'hidden' | 'rejected' | 'deleted';
export type ModerationMode = 'pre' | 'post' | 'reactive';
export type ReactionKind = 'like' | 'helpful';
export type Locale = 'fr' | 'en';

export interface MembersTable {
  id: Generated<number>;
  username: string;
  email: string;
  password_hash: string;
  display_name: Generated<string>;
  bio: Generated<string>;
  role: Generated<Role>;
  trust_level: Generated<number>;
  reputation: Generated<number>;
  post_count: Generated<number>;
  locale: Generated<Locale>;
  suspended_until: Date | null;
  banned_at: Date | null;
  netiquette_accepted_at: Date | null;
  last_seen_at: Date | null;
  sanction_reason: string | null;
  trust_granted: Generated<boolean>;
  /** Notification kinds this member turned off. */
  notification_mutes: Generated<string[]>;
  anonymised_at: Date | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** When one of their posts was last refused (kept by a trigger, migration 0021). */
  last_refusal_at: ColumnType<Date | null, never, never>;
}

export interface SessionsTable {
  id: string;
  member_id: number;
  expires_at: Date;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface CategoriesTable {
  id: Generated<number>;
  slug: string;
  name: string;
  description: Generated<string>;
  color: Generated<string>;
  position: Generated<number>;
  moderation_mode: Generated<ModerationMode>;
  bypass_trust_level: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** A category's counts, in shards summed on read (migration 0019). */
export interface CategoryCountsTable {
  category_id: number;
  shard: number;
  threads: Generated<number>;
  posts: Generated<number>;
}

export interface ThreadsTable {
  id: Generated<number>;
  category_id: number;
  author_id: number;
  kind: ThreadKind;
  title: string;
  state: Generated<ThreadState>;
  publish_at: Date | null;
  pinned: Generated<boolean>;
  featured: Generated<boolean>;
  official: Generated<boolean>;
  locked: Generated<boolean>;
  accepted_post_id: number | null;
  post_count: Generated<number>;
  reply_count: Generated<number>;
  score: Generated<number>;
  last_post_at: Timestamp;
  last_poster_id: number | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** Ideas (migration 0010): status set by community managers, its public note, and the vote count. */
  idea_status: Generated<IdeaStatus>;
  idea_note: Generated<string>;
  idea_status_at: Date | null;
  vote_count: Generated<number>;
  /** A question or discussion about a product problem (migration 0016). */
  bug_report: Generated<boolean>;
  /** Pinned on the home page and in every category (migration 0017). */
  pinned_global: Generated<boolean>;
}

export interface PostsTable {
  id: Generated<number>;
  thread_id: number;
  author_id: number;
  number: number;
  reply_to_id: number | null;
  body_md: string;
  body_html: string;
  state: Generated<PostState>;
  like_count: Generated<number>;
  helpful_count: Generated<number>;
  edit_count: Generated<number>;
  edited_at: Date | null;
  deleted_at: Date | null;
  deleted_by: number | null;
  /** The verdict that held or refused the post, shown to its author. */
  moderation: ColumnType<unknown | null, string | null | undefined, string | null>;
  /** The tone of the author's words (community/sentiment.ts); null for a post not scored yet. */
  sentiment: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface PostRevisionsTable {
  id: Generated<number>;
  post_id: number;
  revision: number;
  title: string | null;
  body_md: string;
  editor_id: number;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ReactionsTable {
  id: Generated<number>;
  post_id: number;
  member_id: number;
  kind: ReactionKind;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<string>;
  actor_id: number | null;
  action: string;
  subject_type: string;
  subject_id: string;
  data: ColumnType<unknown, string | undefined, string>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface SiteSettingsTable {
  id: Generated<number>;
  key: string;
  value: ColumnType<unknown, string, string>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type ModerationAction = 'allow' | 'censor' | 'flag' | 'hold' | 'reject';
export type ModerationReason = 'rule' | 'report' | 'pre' | 'post' | 'resubmit' | 'appeal' | 'manual';
type Json = ColumnType<unknown, string | undefined, string>;

export interface NetiquetteRulesTable {
  id: Generated<number>;
  key: string;
  kind: string;
  builtin: Generated<boolean>;
  action: ModerationAction;
  enabled: Generated<boolean>;
  category_ids: number[] | null;
  params: Json;
  name: Generated<string>;
  message_fr: Generated<string>;
  message_en: Generated<string>;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ModerationItemsTable {
  id: Generated<number>;
  post_id: number;
  reasons: ModerationReason[];
  status: Generated<'open' | 'approved' | 'rejected'>;
  hits: Json;
  priority: Generated<number>;
  report_count: Generated<number>;
  claimed_by: number | null;
  claimed_at: Date | null;
  decided_by: number | null;
  decided_at: Date | null;
  decision_reason: string | null;
  decision_note: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ReportsTable {
  id: Generated<number>;
  post_id: number;
  reporter_id: number;
  reason: string;
  note: Generated<string>;
  upheld: boolean | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface RuleHitsTable {
  id: Generated<number>;
  rule_key: string;
  post_id: number;
  action: string;
  outcome: 'approved' | 'rejected' | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface NotificationsTable {
  id: Generated<number>;
  member_id: number;
  kind: string;
  data: Json;
  read_at: Date | null;
  /** Notifications of one group (likes on one post) are one row while unread; `count` says how many. */
  group_key: string | null;
  count: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** Written by triggers (migration 0009); read by each node's live hub. */
export interface LiveEventsTable {
  id: Generated<number>;
  topic: string;
  type: string;
  data: Json;
  created_at: Generated<Date>;
}

export interface MemberStrikesTable {
  id: Generated<number>;
  member_id: number;
  moderator_id: number | null;
  reason: string;
  note: Generated<string>;
  expires_at: Date;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface AppealsTable {
  id: Generated<number>;
  post_id: number;
  member_id: number;
  message: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ReputationEventsTable {
  id: Generated<number>;
  member_id: number;
  kind: string;
  points: number;
  source_key: string;
  post_id: number | null;
  thread_id: number | null;
  category_id: number | null;
  reverses: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type BadgeTier = 'bronze' | 'silver' | 'gold';

export interface BadgesTable {
  id: Generated<number>;
  key: string;
  tier: BadgeTier;
  manual: Generated<boolean>;
  criteria: ColumnType<unknown | null, string | null | undefined, string | null>;
  name_fr: string;
  name_en: string;
  description_fr: Generated<string>;
  description_en: Generated<string>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface MemberBadgesTable {
  id: Generated<number>;
  member_id: number;
  badge_id: number;
  reason: Generated<string>;
  awarded_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** Maintained by triggers (migration 0006); the app only reads it. */
export interface PostSearchTable {
  post_id: number;
  doc: string;
  category_id: number;
  kind: string;
  author_id: number;
  visibility: string;
  answered: boolean;
  created_at: Date;
}

/** Written by triggers on post_search (migration 0008); drained by the search outbox worker. */
export interface SearchOutboxTable {
  id: Generated<number>;
  post_id: number;
  created_at: Generated<Date>;
}

export interface SearchQueriesTable {
  id: Generated<string>;
  query: string;
  result_count: number;
  created_at: Generated<Date>;
}

export interface Database {
  members: MembersTable;
  sessions: SessionsTable;
  categories: CategoriesTable;
  category_counts: CategoryCountsTable;
  threads: ThreadsTable;
  posts: PostsTable;
  post_revisions: PostRevisionsTable;
  reactions: ReactionsTable;
  audit_log: AuditLogTable;
  site_settings: SiteSettingsTable;
  netiquette_rules: NetiquetteRulesTable;
  moderation_items: ModerationItemsTable;
  reports: ReportsTable;
  rule_hits: RuleHitsTable;
  notifications: NotificationsTable;
  member_strikes: MemberStrikesTable;
  appeals: AppealsTable;
  reputation_events: ReputationEventsTable;
  badges: BadgesTable;
  member_badges: MemberBadgesTable;
  post_search: PostSearchTable;
  search_queries: SearchQueriesTable;
  search_outbox: SearchOutboxTable;
  live_events: LiveEventsTable;
  idea_votes: MemberThreadTable;
  thread_follows: MemberThreadTable;
  buzz_alerts: { key: string; created_at: Generated<Date> };
  announcement_dismissals: { member_id: number; thread_id: number; created_at: Generated<Date> };
  topic_templates: TopicTemplatesTable;
}

export interface TopicTemplatesTable {
  id: Generated<number>;
  locale: 'fr' | 'en';
  name: string;
  kind: ThreadKind;
  title: string;
  body: string;
  built_in: Generated<boolean>;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** idea_votes, thread_follows: one row per member and thread. */
export interface MemberThreadTable {
  thread_id: number;
  member_id: number;
  created_at: Generated<Date>;
}

export type Member = Selectable<MembersTable>;
export type NewMember = Insertable<MembersTable>;
export type MemberUpdate = Updateable<MembersTable>;
/** A category as the repository reads it: with its counts, summed over their shards. */
export type Category = Selectable<CategoriesTable> & { thread_count: number; post_count: number };
export type Thread = Selectable<ThreadsTable>;
export type Post = Selectable<PostsTable>;
