import type { operations } from './schema';

/**
 * The names the web app uses for the API's shapes. Every one is derived from the generated OpenAPI types
 * (schema.d.ts, `npm run generate`), so a change in a route's schema reaches the pages as a type error.
 */
type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
/** The JSON body of an operation's 200 (or 201) response. */
export type Ok<Op extends keyof operations> = operations[Op]['responses'] extends { 200: infer R }
  ? Json<R>
  : operations[Op]['responses'] extends { 201: infer R }
    ? Json<R>
    : never;
/** An operation's JSON request body. */
export type Body<Op extends keyof operations> = operations[Op] extends { requestBody?: infer B }
  ? Json<NonNullable<B>>
  : never;
/** An operation's query parameters. */
export type Query<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;

export type Site = Ok<'getSite'>;
export type Me = Ok<'getMe'>['member'];
export type Role = Me['role'];
export type Category = Ok<'listCategories'>['categories'][number];
export type ThreadList = Ok<'listLatestThreads'>;
export type ThreadListItem = ThreadList['threads'][number];
export type CategorySummary = ThreadListItem['category'];
export type Sort = NonNullable<Query<'listCategoryThreads'>['sort']>;

export type ThreadPage = Ok<'getThread'>;
export type ThreadKind = ThreadPage['thread']['kind'];
export type Post = ThreadPage['posts'][number];
export type Author = Post['author'];
export type Review = NonNullable<Post['review']>;
export type PostView = Ok<'replyToThread'>['post'];
export type Profile = Ok<'getProfile'>;

export type Badge = Ok<'listBadges'>['badges'][number];
export type BadgeTier = Badge['tier'];
export type BadgeDetail = Ok<'getBadge'>;
export type MemberReputation = Ok<'getMemberReputation'>;
export type Leader = Ok<'getLeaderboard'>['leaders'][number];

export type Verdict = Ok<'checkNetiquette'>;
export type Hit = Verdict['hits'][number];
export type ReasonTemplate = Ok<'listReasonTemplates'>['reasons'][number];
export type QueueItem = Ok<'getModerationQueue'>['items'][number];
export type Rule = Ok<'listRules'>['rules'][number];
export type RuleDraft = Body<'createRule'>;
export type Backtest = Ok<'backtestRule'>;

export type SearchParams = Query<'search'>;
export type SearchResult = Ok<'search'>['results'][number];
export type Segment = SearchResult['snippet'][number];
export type TitleSuggestion = Ok<'searchTitles'>['threads'][number];
export type SearchMisses = Ok<'getSearchMisses'>;

export type NotificationPage = Ok<'listNotifications'>;
export type Notification = NotificationPage['notifications'][number];
export type ScheduledThread = Ok<'listScheduledThreads'>['threads'][number];

export type IdeaPanel = Ok<'getIdeaPanel'>;
export type IdeaStatus = IdeaPanel['status'];
export type IdeaPage = Ok<'listIdeas'>;
export type IdeaItem = IdeaPage['ideas'][number];

export type Health = Ok<'getCommunityHealth'>;
/** The bad-buzz alert's warning signs: negative posts, netiquette rule hits, reports, and their sum. */
export type WarningSigns = Pick<Health['daily'][number], 'signals' | 'negative' | 'flags' | 'reports'>;
export type ManagedMember = Ok<'searchManagedMembers'>['members'][number];
export type MemberRecord = Ok<'getMemberRecord'>;
export type Home = Ok<'getHome'>;
export type HomeItem = NonNullable<Home['announcement']>;
export type TopicTemplate = Ok<'listTopicTemplates'>['templates'][number];

/** The lists a bulk mail's unsubscribe link names. */
export type MailList = Query<'unsubscribe'>['list'];

export type SiteSettings = Ok<'getSiteSettings'>;
export type CommunitySettings = Ok<'getCommunitySettings'>;
export type ModerationSettings = Ok<'getModerationSettings'>;
export type AuditEntry = Ok<'listAuditLog'>['entries'][number];
export type PostingLevel = Category['startLevel'];
export type SeeLevel = Category['seeLevel'];

// Tracking, bookmarks (issue 19)
export type TrackingLevel = Body<'setThreadTracking'>['level'];
export type ThreadTracking = Ok<'getThreadTracking'>['threads'][number];
export type CategoryTracking = Ok<'getCategoryTracking'>['categories'][number];
export type BookmarkItem = Ok<'listBookmarks'>['bookmarks'][number];
