import type { Health, HomeItem, TopicTemplate, IdeaItem, ManagedMember, MemberRecord, IdeaPanel, IdeaStatus, NotificationPage, ScheduledThread, SearchMisses, SearchParams, SearchResult, TitleSuggestion } from './types.ts';
import type { Badge, Leader, MemberReputation, Backtest, Category, Me, PostView, Profile, QueueItem, ReasonTemplate, Rule, RuleDraft, Site, Sort, ThreadKind, ThreadList, ThreadPage, Verdict } from './types.ts';

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

async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached.');
  }
  const data = res.headers.get('content-type')?.includes('json') ? await res.json().catch(() => null) : null;
  if (!res.ok) {
    const error = (data as { error?: { code: string; message: string; details?: unknown } } | null)?.error;
    throw new ApiError(res.status, error?.code ?? `http.${res.status}`, error?.message ?? res.statusText, error?.details);
  }
  return data as T;
}

const q = (params: Record<string, string | number | undefined | null>) => {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : '';
};

export const api = {
  site: () => request<Site>('GET', '/api/site'),
  me: () => request<{ member: Me }>('GET', '/api/me'),
  register: (body: { username: string; email: string; password: string; acceptNetiquette: boolean; locale: 'fr' | 'en' }) =>
    request<{ member: Me }>('POST', '/api/auth/register', body),
  login: (login: string, password: string) => request<{ member: Me }>('POST', '/api/auth/login', { login, password }),
  logout: () => request<{ ok: boolean }>('POST', '/api/auth/logout'),
  updateMe: (body: { displayName?: string; bio?: string; locale?: 'fr' | 'en' }) =>
    request<{ member: Me }>('PATCH', '/api/me', body),

  notifications: (before?: number | null) => request<NotificationPage>('GET', `/api/notifications${q({ before })}`),
  unread: () => request<{ unread: number }>('GET', '/api/notifications/unread'),
  markRead: (ids?: number[]) => request<{ unread: number }>('POST', '/api/notifications/read', ids ? { ids } : {}),
  notificationPrefs: () => request<{ kinds: string[]; muted: string[] }>('GET', '/api/notifications/preferences'),
  setNotificationPrefs: (muted: string[]) => request<{ kinds: string[]; muted: string[] }>('PUT', '/api/notifications/preferences', { muted }),

  ideas: (params: { status?: IdeaStatus | ''; sort?: 'votes' | 'recent'; offset?: number } = {}) =>
    request<{ ideas: IdeaItem[]; nextOffset: number | null }>('GET', `/api/ideas${q(params)}`),
  idea: (threadId: number) => request<IdeaPanel>('GET', `/api/threads/${threadId}/idea`),
  vote: (threadId: number, on: boolean) => request<IdeaPanel>(on ? 'POST' : 'DELETE', `/api/threads/${threadId}/vote`),
  follow: (threadId: number, on: boolean) => request<{ following: boolean }>(on ? 'POST' : 'DELETE', `/api/threads/${threadId}/follow`),
  setIdeaStatus: (threadId: number, status: IdeaStatus, note: string) =>
    request<IdeaPanel>('PUT', `/api/threads/${threadId}/idea-status`, { status, note }),
  manageMembers: (text: string, offset = 0) =>
    request<{ members: ManagedMember[]; nextOffset: number | null }>('GET', `/api/manage/members${q({ q: text, offset })}`),
  memberRecord: (id: number) => request<MemberRecord>('GET', `/api/manage/members/${id}`),
  anonymise: (id: number) => request<{ id: number; username: string }>('POST', `/api/manage/members/${id}/anonymise`),
  templates: (locale: 'fr' | 'en') => request<{ templates: TopicTemplate[] }>('GET', `/api/topic-templates?locale=${locale}`),
  saveTemplate: (body: Omit<TopicTemplate, 'id' | 'builtIn'>) => request<TopicTemplate>('POST', '/api/topic-templates', body),
  home: () => request<{ featured: HomeItem[]; announcement: HomeItem | null }>('GET', '/api/home'),
  dismiss: (threadId: number) => request<{ dismissed: boolean }>('POST', `/api/threads/${threadId}/dismiss`),
  health: (days: number) => request<Health>('GET', `/api/community/health?days=${days}`),
  scheduled: () => request<{ threads: ScheduledThread[] }>('GET', '/api/threads/scheduled'),
  categories: () => request<{ categories: Category[] }>('GET', '/api/categories'),
  latest: (cursor?: string | null, limit?: number) => request<ThreadList>('GET', `/api/threads${q({ cursor, limit })}`),
  categoryThreads: (slug: string, sort: Sort, cursor?: string | null) =>
    request<ThreadList>('GET', `/api/categories/${encodeURIComponent(slug)}/threads${q({ sort, cursor })}`),
  thread: (id: number, after = 0, limit?: number) => request<ThreadPage>('GET', `/api/threads/${id}${q({ after, limit })}`),
  createThread: (body: { categoryId: number; title: string; body: string; kind: ThreadKind; publishAt?: string; official?: boolean; pinned?: boolean; featured?: boolean; bugReport?: boolean; pinnedGlobal?: boolean }) =>
    request<{ thread: { id: number }; post: PostView; moderation: Verdict & { state: string } }>('POST', '/api/threads', body),
  reply: (threadId: number, body: string, replyTo?: number) =>
    request<{ post: PostView; moderation: Verdict & { state: string } }>('POST', `/api/threads/${threadId}/posts`, { body, replyTo }),
  postSource: (id: number) => request<{ body: string; title: string | null }>('GET', `/api/posts/${id}`),
  editPost: (id: number, body: { body?: string; title?: string }) =>
    request<{ post: PostView }>('PATCH', `/api/posts/${id}`, body),
  deletePost: (id: number) => request<{ ok: boolean; threadDeleted: boolean }>('DELETE', `/api/posts/${id}`),
  react: (id: number, kind: 'like' | 'helpful', on: boolean) =>
    request<{ likeCount: number; helpfulCount: number; active: boolean }>(on ? 'POST' : 'DELETE', `/api/posts/${id}/reactions/${kind}`),
  accept: (threadId: number, postId: number | null) =>
    request<{ acceptedPostId: number | null }>('POST', `/api/threads/${threadId}/accept`, { postId }),
  preview: (body: string) => request<{ html: string }>('POST', '/api/markdown/preview', { body }),
  profile: (username: string) => request<Profile>('GET', `/api/members/${encodeURIComponent(username)}`),

  check: (body: { title?: string; body: string; categoryId?: number | null }) => request<Verdict>('POST', '/api/netiquette/check', body),
  report: (postId: number, reason: string, note?: string) =>
    request<{ reported: boolean }>('POST', `/api/posts/${postId}/reports`, { reason, note }),
  reasons: () => request<{ reasons: ReasonTemplate[] }>('GET', '/api/moderation/reasons'),
  queue: (params: { status?: string; reason?: string; cursor?: string | null } = {}) =>
    request<{ items: QueueItem[]; open: number; nextCursor: string | null }>('GET', `/api/moderation/queue${q(params)}`),
  claim: (id: number) => request<{ id: number }>('POST', `/api/moderation/items/${id}/claim`),
  approve: (id: number, body?: string) => request<{ status: string }>('POST', `/api/moderation/items/${id}/approve`, body === undefined ? {} : { body }),
  reject: (id: number, reason: string, note?: string) =>
    request<{ status: string }>('POST', `/api/moderation/items/${id}/reject`, { reason, note }),
  hidePost: (id: number, reason: string, note?: string) => request<{ postState: string }>('POST', `/api/posts/${id}/hide`, { reason, note }),
  appeal: (id: number, message: string) => request<{ appealed: boolean }>('POST', `/api/posts/${id}/appeal`, { message }),
  lockThread: (id: number, locked: boolean) => request<{ locked: boolean }>('POST', `/api/threads/${id}/lock`, { locked }),
  pinThread: (id: number, pinned: boolean) => request<{ pinned: boolean }>('POST', `/api/threads/${id}/pin`, { pinned }),
  moveThread: (id: number, categoryId: number) => request<{ categoryId: number }>('POST', `/api/threads/${id}/move`, { categoryId }),
  warn: (memberId: number, reason: string) => request<{ activeStrikes: number; suspendedUntil: string | null }>('POST', `/api/members/${memberId}/warn`, { reason }),
  suspend: (memberId: number, until: string, reason: string) => request<unknown>('POST', `/api/members/${memberId}/suspend`, { until, reason }),
  ban: (memberId: number, reason: string) => request<unknown>('POST', `/api/members/${memberId}/ban`, { reason }),
  lift: (memberId: number) => request<unknown>('POST', `/api/members/${memberId}/unsuspend`),
  typicalWait: () => request<{ medianMinutes: number | null }>('GET', '/api/moderation/wait'),
  bulk: (ids: number[], action: 'approve' | 'reject', reason?: string) =>
    request<{ results: { id: number; ok: boolean }[] }>('POST', '/api/moderation/items/bulk', { ids, action, reason }),
  memberReputation: (username: string, before?: number | null) =>
    request<MemberReputation>('GET', `/api/members/${encodeURIComponent(username)}/reputation${q({ before })}`),
  badges: () => request<{ badges: Badge[] }>('GET', '/api/badges'),
  badge: (key: string) =>
    request<{ badge: Badge; holders: { id: number; username: string; displayName: string; grantedAt: string; reason: string }[] }>(
      'GET',
      `/api/badges/${encodeURIComponent(key)}`,
    ),
  leaderboard: (period: 'week' | 'month' | 'all', category?: number | null) =>
    request<{ leaders: Leader[] }>('GET', `/api/leaderboard${q({ period, category })}`),
  awardBadge: (memberId: number, badge: string, reason: string) =>
    request<{ granted: boolean }>('POST', `/api/members/${memberId}/badges`, { badge, reason }),
  grantTrust: (memberId: number, granted: boolean) => request<{ trustLevel: number }>('POST', `/api/members/${memberId}/trust`, { granted }),
  rules: () => request<{ rules: Rule[] }>('GET', '/api/netiquette/rules'),
  createRule: (draft: RuleDraft) => request<Rule>('POST', '/api/netiquette/rules', draft),
  updateRule: (key: string, patch: Partial<RuleDraft> & { enabled?: boolean }) => request<Rule>('PATCH', `/api/netiquette/rules/${encodeURIComponent(key)}`, patch),
  deleteRule: (key: string) => request<{ ok: boolean }>('DELETE', `/api/netiquette/rules/${encodeURIComponent(key)}`),
  backtest: (draft: RuleDraft) => request<Backtest>('POST', '/api/netiquette/rules/backtest', draft),

  search: (params: SearchParams) =>
    request<{ results: SearchResult[]; nextCursor: string | null }>('GET', `/api/search${q({ ...params, answered: params.answered ? 'true' : undefined })}`),
  titles: (text: string, match: 'all' | 'any' = 'all', limit?: number) =>
    request<{ threads: TitleSuggestion[] }>('GET', `/api/search/titles${q({ q: text, match, limit })}`),
  searchMisses: (days = 30) => request<SearchMisses>('GET', `/api/search/misses${q({ days })}`),
};
