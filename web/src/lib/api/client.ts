import createClient from 'openapi-fetch';
import type { paths } from './schema';
import type {
  Body,
  IdeaStatus,
  MailList,
  Ok,
  Query,
  Role,
  RuleDraft,
  SearchParams,
  Sort,
  TopicTemplate,
  TrackingLevel,
} from './types.ts';
import { sendFile } from './upload.ts';

/** An error the API answered with: its stable code (translated by the UI), message and details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Empty, null and undefined parameters are left out of the query string, as the server's defaults apply. */
function querySerializer(params: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  return search.toString();
}

interface Outcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's data, or an ApiError carrying the server's error code. */
async function call<T>(pending: Promise<Outcome<T>>): Promise<NonNullable<T>> {
  let outcome: Outcome<T>;
  try {
    outcome = await pending;
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached.');
  }
  const { data, error, response } = outcome;
  if (!response.ok) {
    const body = (error as { error?: { code: string; message: string; details?: unknown } } | null)?.error;
    throw new ApiError(
      response.status,
      body?.code ?? `http.${response.status}`,
      body?.message ?? response.statusText,
      body?.details,
    );
  }
  return data as NonNullable<T>;
}

const id = (value: number) => ({ path: { id: value } });

/**
 * The API's operations over one transport. The browser's is `fetch` on its own origin; the server renders
 * pages through its own HTTP layer (entry-server.ts), with the reader's cookies, so a server-rendered page shows
 * exactly what the same request from the browser would.
 */
export function createApi(transport: { fetch?: (request: Request) => Promise<Response>; baseUrl?: string } = {}) {
  /** The typed fetch over the generated OpenAPI paths (schema.d.ts): paths, parameters, bodies and answers are checked. */
  const http = createClient<paths>({ querySerializer, ...transport });
  return {
    site: () => call(http.GET('/api/site')),
    me: () => call(http.GET('/api/me')),
    register: (body: Body<'register'>) => call(http.POST('/api/auth/register', { body })),
    login: (login: string, password: string) => call(http.POST('/api/auth/login', { body: { login, password } })),
    logout: () => call(http.POST('/api/auth/logout')),
    updateMe: (body: Body<'updateMe'>) => call(http.PATCH('/api/me', { body })),
    forgotPassword: (login: string) => call(http.POST('/api/auth/password/forgot', { body: { login } })),
    resetPassword: (token: string, password: string) =>
      call(http.POST('/api/auth/password/reset', { body: { token, password } })),
    verifyEmail: (token: string) => call(http.POST('/api/auth/email/verify', { body: { token } })),
    resendVerification: () => call(http.POST('/api/auth/email/verify/resend')),
    changePassword: (current: string, password: string) =>
      call(http.POST('/api/me/password', { body: { current, password } })),
    changeEmail: (password: string, email: string) => call(http.POST('/api/me/email', { body: { password, email } })),
    outbox: (query: Query<'listOutgoingMail'> = {}) => call(http.GET('/api/mail/outbox', { params: { query } })),
    outgoingMail: (mailId: number) => call(http.GET('/api/mail/outbox/{id}', { params: id(mailId) })),
    mailPrefs: () => call(http.GET('/api/me/mail')),
    setMailPrefs: (body: Body<'setMailPreferences'>) => call(http.PUT('/api/me/mail', { body })),
    subscription: (key: string, list: MailList) =>
      call(http.GET('/api/mail/unsubscribe', { params: { query: { key, list } } })),
    unsubscribe: (key: string, list: MailList) =>
      call(http.POST('/api/mail/unsubscribe', { params: { query: { key, list } } })),
    newsletters: () => call(http.GET('/api/newsletters')),
    createNewsletter: (body: Body<'createNewsletter'>) => call(http.POST('/api/newsletters', { body })),
    updateNewsletter: (newsletterId: number, body: Body<'updateNewsletter'>) =>
      call(http.PUT('/api/newsletters/{id}', { params: id(newsletterId), body })),
    previewNewsletter: (body: Body<'previewNewsletter'>) => call(http.POST('/api/newsletters/preview', { body })),
    testNewsletter: (newsletterId: number) =>
      call(http.POST('/api/newsletters/{id}/test', { params: id(newsletterId) })),
    scheduleNewsletter: (newsletterId: number, sendAt?: string | null) =>
      call(http.POST('/api/newsletters/{id}/schedule', { params: id(newsletterId), body: { sendAt } })),
    mailSettings: () => call(http.GET('/api/mail/settings')),
    setMailSettings: (body: Body<'setMailSettings'>) => call(http.PUT('/api/mail/settings', { body })),

    notifications: (before?: number | null) =>
      call(http.GET('/api/notifications', { params: { query: { before: before ?? undefined } } })),
    unread: () => call(http.GET('/api/notifications/unread')),
    markRead: (ids?: number[]) => call(http.POST('/api/notifications/read', { body: ids ? { ids } : {} })),
    notificationPrefs: () => call(http.GET('/api/notifications/preferences')),
    setNotificationPrefs: (muted: string[], emailMuted?: string[]) =>
      call(http.PUT('/api/notifications/preferences', { body: { muted, emailMuted } })),

    ideas: (params: { status?: IdeaStatus | ''; sort?: 'votes' | 'recent'; offset?: number } = {}) =>
      call(http.GET('/api/ideas', { params: { query: { ...params, status: params.status || undefined } } })),
    idea: (threadId: number) => call(http.GET('/api/threads/{id}/idea', { params: id(threadId) })),
    vote: (threadId: number, on: boolean) =>
      call(
        on
          ? http.POST('/api/threads/{id}/vote', { params: id(threadId) })
          : http.DELETE('/api/threads/{id}/vote', { params: id(threadId) }),
      ),
    follow: (threadId: number, on: boolean) =>
      call(
        on
          ? http.POST('/api/threads/{id}/follow', { params: id(threadId) })
          : http.DELETE('/api/threads/{id}/follow', { params: id(threadId) }),
      ),
    setIdeaStatus: (threadId: number, status: IdeaStatus, note: string) =>
      call(http.PUT('/api/threads/{id}/idea-status', { params: id(threadId), body: { status, note } })),
    manageMembers: (text: string, offset = 0, role?: Role) =>
      call(http.GET('/api/manage/members', { params: { query: { q: text, offset, role } } })),
    setRole: (memberId: number, role: Role) =>
      call(http.POST('/api/members/{id}/role', { params: id(memberId), body: { role } })),
    createCategory: (body: Body<'createCategory'>) => call(http.POST('/api/categories', { body })),
    updateCategory: (categoryId: number, body: Body<'updateCategory'>) =>
      call(http.PATCH('/api/categories/{id}', { params: id(categoryId), body })),
    siteSettings: () => call(http.GET('/api/admin/settings')),
    updateSiteSettings: (body: Body<'updateSiteSettings'>) => call(http.PUT('/api/admin/settings', { body })),
    auditLog: (subjectType?: string, before?: number | null) =>
      call(http.GET('/api/admin/audit', { params: { query: { subjectType, before: before ?? undefined } } })),
    netiquette: () => call(http.GET('/api/site/netiquette')),
    memberRecord: (memberId: number) => call(http.GET('/api/manage/members/{id}', { params: id(memberId) })),
    anonymise: (memberId: number) => call(http.POST('/api/manage/members/{id}/anonymise', { params: id(memberId) })),
    templates: (locale: 'fr' | 'en') => call(http.GET('/api/topic-templates', { params: { query: { locale } } })),
    saveTemplate: (body: Omit<TopicTemplate, 'id' | 'builtIn'>) => call(http.POST('/api/topic-templates', { body })),
    home: () => call(http.GET('/api/home')),
    dismiss: (threadId: number) => call(http.POST('/api/threads/{id}/dismiss', { params: id(threadId) })),
    health: (days: number) => call(http.GET('/api/community/health', { params: { query: { days } } })),
    scheduled: () => call(http.GET('/api/threads/scheduled')),
    categories: () => call(http.GET('/api/categories')),
    latest: (cursor?: string | null, limit?: number, tag?: string | null) =>
      call(
        http.GET('/api/threads', { params: { query: { cursor: cursor ?? undefined, limit, tag: tag ?? undefined } } }),
      ),
    categoryThreads: (slug: string, sort: Sort, cursor?: string | null, tag?: string | null) =>
      call(
        http.GET('/api/categories/{slug}/threads', {
          params: { path: { slug }, query: { sort, cursor: cursor ?? undefined, tag: tag ?? undefined } },
        }),
      ),
    /** `revalidate`: the page must reflect every commit so far (a refetch on a live event, on any node). */
    thread: (threadId: number, after = 0, limit?: number, revalidate = false) =>
      call(
        http.GET('/api/threads/{id}', {
          params: { ...id(threadId), query: { after, limit } },
          ...(revalidate && { headers: { 'cache-control': 'no-cache' } }),
        }),
      ),
    createThread: (body: Body<'createThread'>) => call(http.POST('/api/threads', { body })),
    reply: (threadId: number, body: string, replyTo?: number) =>
      call(http.POST('/api/threads/{id}/posts', { params: id(threadId), body: { body, replyTo } })),
    postSource: (postId: number) => call(http.GET('/api/posts/{id}', { params: id(postId) })),
    editPost: (postId: number, body: Body<'editPost'>) =>
      call(http.PATCH('/api/posts/{id}', { params: id(postId), body })),
    deletePost: (postId: number) => call(http.DELETE('/api/posts/{id}', { params: id(postId) })),
    react: (postId: number, kind: 'like' | 'helpful', on: boolean) => {
      const params = { path: { id: postId, kind } };
      return call(
        on
          ? http.POST('/api/posts/{id}/reactions/{kind}', { params })
          : http.DELETE('/api/posts/{id}/reactions/{kind}', { params }),
      );
    },
    accept: (threadId: number, postId: number | null) =>
      call(http.POST('/api/threads/{id}/accept', { params: id(threadId), body: { postId } })),
    preview: (body: string) => call(http.POST('/api/markdown/preview', { body: { body } })),
    profile: (username: string) => call(http.GET('/api/members/{username}', { params: { path: { username } } })),

    check: (body: Body<'checkNetiquette'>) => call(http.POST('/api/netiquette/check', { body })),
    report: (postId: number, reason: string, note?: string) =>
      call(http.POST('/api/posts/{id}/reports', { params: id(postId), body: { reason, note } as Body<'reportPost'> })),
    reasons: () => call(http.GET('/api/moderation/reasons')),
    /** `reason` comes from a filter menu; the server refuses (400) a value outside the queue's reasons. */
    queue: (params: Omit<Query<'getModerationQueue'>, 'reason'> & { reason?: string } = {}) =>
      call(http.GET('/api/moderation/queue', { params: { query: params as Query<'getModerationQueue'> } })),
    claim: (itemId: number) => call(http.POST('/api/moderation/items/{id}/claim', { params: id(itemId) })),
    approve: (itemId: number, body?: string) =>
      call(
        http.POST('/api/moderation/items/{id}/approve', {
          params: id(itemId),
          body: body === undefined ? {} : { body },
        }),
      ),
    reject: (itemId: number, reason: string, note?: string) =>
      call(http.POST('/api/moderation/items/{id}/reject', { params: id(itemId), body: { reason, note } })),
    hidePost: (postId: number, reason: string, note?: string) =>
      call(http.POST('/api/posts/{id}/hide', { params: id(postId), body: { reason, note } })),
    appeal: (postId: number, message: string) =>
      call(http.POST('/api/posts/{id}/appeal', { params: id(postId), body: { message } })),
    lockThread: (threadId: number, locked: boolean) =>
      call(http.POST('/api/threads/{id}/lock', { params: id(threadId), body: { locked } })),
    pinThread: (threadId: number, pinned: boolean) =>
      call(http.POST('/api/threads/{id}/pin', { params: id(threadId), body: { pinned } })),
    moveThread: (threadId: number, categoryId: number) =>
      call(http.POST('/api/threads/{id}/move', { params: id(threadId), body: { categoryId } })),
    warn: (memberId: number, reason: string) =>
      call(http.POST('/api/members/{id}/warn', { params: id(memberId), body: { reason } })),
    suspend: (memberId: number, until: string, reason: string) =>
      call(http.POST('/api/members/{id}/suspend', { params: id(memberId), body: { until, reason } })),
    ban: (memberId: number, reason: string) =>
      call(http.POST('/api/members/{id}/ban', { params: id(memberId), body: { reason } })),
    lift: (memberId: number) => call(http.POST('/api/members/{id}/unsuspend', { params: id(memberId) })),
    typicalWait: () => call(http.GET('/api/moderation/wait')),
    bulk: (ids: number[], action: 'approve' | 'reject', reason?: string) =>
      call(http.POST('/api/moderation/items/bulk', { body: { ids, action, reason } })),
    memberReputation: (username: string, before?: number | null) =>
      call(
        http.GET('/api/members/{username}/reputation', {
          params: { path: { username }, query: { before: before ?? undefined } },
        }),
      ),
    badges: () => call(http.GET('/api/badges')),
    badge: (key: string) => call(http.GET('/api/badges/{key}', { params: { path: { key } } })),
    leaderboard: (period: 'week' | 'month' | 'all', category?: number | null) =>
      call(http.GET('/api/leaderboard', { params: { query: { period, category: category ?? undefined } } })),
    awardBadge: (memberId: number, badge: string, reason: string) =>
      call(http.POST('/api/members/{id}/badges', { params: id(memberId), body: { badge, reason } })),
    grantTrust: (memberId: number, granted: boolean) =>
      call(http.POST('/api/members/{id}/trust', { params: id(memberId), body: { granted } })),
    rules: () => call(http.GET('/api/netiquette/rules')),
    createRule: (draft: RuleDraft) => call(http.POST('/api/netiquette/rules', { body: draft })),
    updateRule: (key: string, patch: Body<'updateRule'>) =>
      call(http.PATCH('/api/netiquette/rules/{key}', { params: { path: { key } }, body: patch })),
    deleteRule: (key: string) => call(http.DELETE('/api/netiquette/rules/{key}', { params: { path: { key } } })),
    backtest: (draft: RuleDraft) => call(http.POST('/api/netiquette/rules/backtest', { body: draft })),

    /** `answered` is a filter only when set: an unticked box sends nothing (the server logs unfiltered searches). */
    search: (params: SearchParams) =>
      call(http.GET('/api/search', { params: { query: { ...params, answered: params.answered || undefined } } })),
    titles: (text: string, match: 'all' | 'any' = 'all', limit?: number) =>
      call(http.GET('/api/search/titles', { params: { query: { q: text, match, limit } } })),
    searchMisses: (days = 30) => call(http.GET('/api/search/misses', { params: { query: { days } } })),

    // The console's community settings: live limits, staff in leaderboards, moderation targets.
    communitySettings: () => call(http.GET('/api/admin/community')),
    updateCommunitySettings: (body: Body<'updateCommunitySettings'>) =>
      call(http.PUT('/api/admin/community', { body })),
    moderationSettings: () => call(http.GET('/api/moderation/settings')),
    updateModerationSettings: (body: Body<'setModerationSettings'>) =>
      call(http.PUT('/api/moderation/settings', { body })),
    reschedule: (threadId: number, publishAt: string) =>
      call(http.PATCH('/api/threads/{id}/schedule', { params: id(threadId), body: { publishAt } })),
    cancelScheduled: (threadId: number) => call(http.DELETE('/api/threads/{id}/schedule', { params: id(threadId) })),

    // Single sign-on (identity): providers, the sign-up after a first sign-in, linked providers, logout.
    signInProviders: () => call(http.GET('/api/auth/providers')),
    pendingSignup: () => call(http.GET('/api/auth/sso/signup')),
    completeSignup: (body: Body<'completeSignup'>) => call(http.POST('/api/auth/sso/signup', { body })),
    identities: () => call(http.GET('/api/auth/identities')),
    unlinkIdentity: (provider: string) =>
      call(http.DELETE('/api/auth/identities/{provider}', { params: { path: { provider } } })),
    logoutEverywhere: () => call(http.POST('/api/auth/sso/logout')),
    // Uploads (issue 16): images for posts and avatars, sent with their progress (browser only).
    uploadImage: (file: Blob, onProgress?: (fraction: number) => void) =>
      sendFile<Ok<'createUpload'>>('/api/uploads', file, onProgress),
    setAvatar: (file: Blob, focus: { x: number; y: number }, onProgress?: (fraction: number) => void) =>
      sendFile<Ok<'setAvatar'>>(`/api/me/avatar?x=${focus.x.toFixed(3)}&y=${focus.y.toFixed(3)}`, file, onProgress),
    removeAvatar: () => call(http.DELETE('/api/me/avatar')),
    // social (issue 19): emoji reactions, polls, tags, @mention suggestions
    threadSocial: (threadId: number) => call(http.GET('/api/threads/{id}/social', { params: id(threadId) })),
    reactEmoji: (postId: number, emoji: string, on: boolean) => {
      const params = { path: { id: postId, emoji } };
      return call(
        on
          ? http.PUT('/api/posts/{id}/emoji/{emoji}', { params })
          : http.DELETE('/api/posts/{id}/emoji/{emoji}', { params }),
      );
    },
    emojiReactors: (postId: number, emoji: string) =>
      call(http.GET('/api/posts/{id}/emoji/{emoji}', { params: { path: { id: postId, emoji } } })),
    mentions: (q: string, threadId?: number) => call(http.GET('/api/mentions', { params: { query: { q, threadId } } })),
    /** Members who can receive a private message from you, by name. */
    recipientSuggestions: (q: string) => call(http.GET('/api/mentions', { params: { query: { q, for: 'message' } } })),
    socialSettings: () => call(http.GET('/api/social/settings')),
    updateSocialSettings: (patch: Body<'updateSocialSettings'>) =>
      call(http.PUT('/api/social/settings', { body: patch })),
    createPoll: (postId: number, poll: Body<'createPoll'>) =>
      call(http.POST('/api/posts/{id}/poll', { params: id(postId), body: poll })),
    poll: (pollId: number) => call(http.GET('/api/polls/{id}', { params: id(pollId) })),
    votePoll: (pollId: number, optionIds: number[]) =>
      call(http.PUT('/api/polls/{id}/vote', { params: id(pollId), body: { optionIds } })),
    closePoll: (pollId: number) => call(http.POST('/api/polls/{id}/close', { params: id(pollId) })),
    tags: () => call(http.GET('/api/tags')),
    tag: (name: string) => call(http.GET('/api/tags/{name}', { params: { path: { name } } })),
    createTag: (name: string, description?: string) => call(http.POST('/api/tags', { body: { name, description } })),
    updateTag: (name: string, patch: Body<'updateTag'>) =>
      call(http.PATCH('/api/tags/{name}', { params: { path: { name } }, body: patch })),
    mergeTag: (name: string, into: string) =>
      call(http.POST('/api/tags/{name}/merge', { params: { path: { name } }, body: { into } })),
    deleteTag: (name: string) => call(http.DELETE('/api/tags/{name}', { params: { path: { name } } })),
    setThreadTags: (threadId: number, tags: string[]) =>
      call(http.PUT('/api/threads/{id}/tags', { params: id(threadId), body: { tags } })),
    // Private messages, ignoring a member, invitations (issue 19).
    conversations: (before?: number) => call(http.GET('/api/conversations', { params: { query: { before } } })),
    unreadMessages: () => call(http.GET('/api/conversations/unread')),
    conversation: (conversationId: number, after?: number) =>
      call(http.GET('/api/conversations/{id}', { params: { ...id(conversationId), query: { after } } })),
    startConversation: (body: Body<'startConversation'>) => call(http.POST('/api/conversations', { body })),
    sendMessage: (conversationId: number, body: string) =>
      call(http.POST('/api/conversations/{id}/messages', { params: id(conversationId), body: { body } })),
    muteConversation: (conversationId: number, muted: boolean) =>
      call(http.PUT('/api/conversations/{id}/mute', { params: id(conversationId), body: { muted } })),
    leaveConversation: (conversationId: number) =>
      call(http.POST('/api/conversations/{id}/leave', { params: id(conversationId) })),
    reportConversation: (conversationId: number, body: Body<'reportConversation'>) =>
      call(http.POST('/api/conversations/{id}/reports', { params: id(conversationId), body })),
    staffConversations: (kind: 'team' | 'reported', before?: number) =>
      call(http.GET('/api/moderation/conversations', { params: { query: { kind, before } } })),
    conversationReports: (before?: number) =>
      call(http.GET('/api/moderation/conversation-reports', { params: { query: { before } } })),
    settleConversationReports: (conversationId: number) =>
      call(http.POST('/api/moderation/conversations/{id}/settle', { params: id(conversationId) })),
    decideMessage: (messageId: number, decision: 'release' | 'refuse') =>
      call(http.POST('/api/messages/{id}/decision', { params: id(messageId), body: { decision } })),
    ignored: () => call(http.GET('/api/me/ignored')),
    ignore: (username: string, on: boolean) =>
      call(
        on
          ? http.PUT('/api/members/{username}/ignore', { params: { path: { username } } })
          : http.DELETE('/api/members/{username}/ignore', { params: { path: { username } } }),
      ),
    invitations: () => call(http.GET('/api/invitations')),
    allInvitations: (before?: number) => call(http.GET('/api/admin/invitations', { params: { query: { before } } })),
    createInvitation: (body: Body<'createInvitation'>) => call(http.POST('/api/invitations', { body })),
    revokeInvitation: (invitationId: number) =>
      call(http.DELETE('/api/invitations/{id}', { params: id(invitationId) })),
    checkInvitation: (token: string) => call(http.GET('/api/invitations/check', { params: { query: { token } } })),
    // Tracking, bookmarks and the bell (issue 19)
    /** `keepalive` lets the last position reach the server while the page is being left. */
    markThreadRead: (threadId: number, number: number) =>
      call(http.POST('/api/threads/{id}/read', { params: id(threadId), body: { number }, keepalive: true })),
    setThreadTracking: (threadId: number, level: TrackingLevel) =>
      call(http.PUT('/api/threads/{id}/tracking', { params: id(threadId), body: { level } })),
    threadTracking: (ids: number[]) =>
      call(http.GET('/api/tracking/threads', { params: { query: { ids: ids.join(',') } } })),
    setCategoryTracking: (categoryId: number, level: TrackingLevel) =>
      call(http.PUT('/api/categories/{id}/tracking', { params: id(categoryId), body: { level } })),
    categoryTracking: () => call(http.GET('/api/tracking/categories')),
    bookmark: (postId: number, note = '') =>
      call(http.PUT('/api/posts/{id}/bookmark', { params: id(postId), body: { note } })),
    removeBookmark: (postId: number) => call(http.DELETE('/api/posts/{id}/bookmark', { params: id(postId) })),
    bookmarks: (before?: number | null) =>
      call(http.GET('/api/bookmarks', { params: { query: { before: before ?? undefined } } })),
    notificationsSeen: () => call(http.POST('/api/notifications/seen')),
    // Branding (issue 18): the site's logo and favicon, through the uploads pipeline (browser only).
    setBrandImage: (which: 'logo' | 'favicon', file: Blob) =>
      sendFile<Ok<'setBrandImage'>>(`/api/admin/branding/${which}`, file),
  };
}

export type Api = ReturnType<typeof createApi>;

export const api: Api = createApi();
