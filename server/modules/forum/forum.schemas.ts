import { Type } from 'typebox';
import {
  AuthorSummary,
  BadgeTierSchema,
  CategorySummary,
  Cursor,
  DateTime,
  Id,
  ModerationReasonSchema,
  Nullable,
  PostingLevelSchema,
  SeeLevelSchema,
  ReasonTemplateSchema,
  ThreadKindSchema,
  TrackingLevelSchema,
} from '../../http/schemas.ts';
import { HitSchema } from '../netiquette/index.ts';

const ModerationMode = Type.Union([Type.Literal('pre'), Type.Literal('post'), Type.Literal('reactive')]);

export const CategorySchema = Type.Object({
  id: Type.Integer(),
  slug: Type.String(),
  name: Type.String({ description: "In the default language (the site's)" }),
  description: Type.String(),
  nameEn: Nullable(Type.String({ description: 'In English; null: the default name' })),
  descriptionEn: Nullable(Type.String()),
  icon: Nullable(Type.String({ description: 'A lucide icon name from the console set' })),
  parentId: Nullable(Type.Integer({ description: 'The parent category (one level deep)' })),
  color: Type.String(),
  position: Type.Integer(),
  moderationMode: Type.String(),
  bypassTrustLevel: Type.Integer(),
  startLevel: PostingLevelSchema,
  replyLevel: PostingLevelSchema,
  seeLevel: SeeLevelSchema,
  kinds: Nullable(Type.Array(ThreadKindSchema, { description: 'The kinds of thread it takes; null: any' })),
  archived: Type.Boolean({ description: 'Kept for reading; takes no new thread or reply' }),
  canStart: Type.Boolean({ description: 'Whether the reader may start a thread here (of one of its kinds)' }),
  threadCount: Type.Integer(),
  postCount: Type.Integer(),
});

export const CategoryCreateBody = Type.Object({
  slug: Type.String({ pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$', minLength: 2, maxLength: 60 }),
  name: Type.String({ minLength: 2, maxLength: 80 }),
  description: Type.Optional(Type.String({ maxLength: 500 })),
  nameEn: Type.Optional(Nullable(Type.String({ minLength: 2, maxLength: 80 }))),
  descriptionEn: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  icon: Type.Optional(Nullable(Type.String({ maxLength: 40, description: 'One of the console set; 422 otherwise' }))),
  parentId: Type.Optional(
    Nullable(Type.Integer({ minimum: 1, description: 'A top-level category; 422 for a child or itself' })),
  ),
  color: Type.Optional(Type.String({ pattern: '^#[0-9a-fA-F]{6}$' })),
  position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
  moderationMode: Type.Optional(ModerationMode),
  bypassTrustLevel: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 5,
      description: 'Members at or above this trust level skip pre/post moderation here (5: nobody)',
    }),
  ),
  startLevel: Type.Optional(PostingLevelSchema),
  replyLevel: Type.Optional(PostingLevelSchema),
  seeLevel: Type.Optional(SeeLevelSchema),
  kinds: Type.Optional(Nullable(Type.Array(ThreadKindSchema, { minItems: 1, maxItems: 5, uniqueItems: true }))),
});

const { slug: _slug, ...editable } = CategoryCreateBody.properties;
export const CategoryUpdateBody = Type.Partial(
  Type.Object({ ...editable, archived: Type.Boolean({ description: 'Archive (true) or reopen (false)' }) }),
);

export const ThreadListItem = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  kind: ThreadKindSchema,
  pinned: Type.Boolean(),
  featured: Type.Boolean(),
  official: Type.Boolean(),
  locked: Type.Boolean(),
  answered: Type.Boolean(),
  replyCount: Type.Integer(),
  score: Type.Integer(),
  createdAt: DateTime,
  lastPostAt: DateTime,
  category: CategorySummary,
  author: Type.Object({
    id: Type.Integer(),
    username: Type.String(),
    displayName: Type.String(),
    avatar: Nullable(Type.String()),
  }),
  lastPoster: Nullable(Type.String()),
  thumbnail: Type.Optional(
    Nullable(Type.String({ description: "The opening post's first image, square (null: it shows none)" })),
  ),
  tags: Type.Array(Type.String(), { description: "The thread's tags by name (each has a page, /tags/:name)" }),
});

export const ThreadListQuery = Type.Object({
  sort: Type.Optional(Type.Union([Type.Literal('latest'), Type.Literal('top'), Type.Literal('unanswered')])),
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  tag: Type.Optional(Type.String({ minLength: 1, maxLength: 60, description: 'Only threads carrying this tag' })),
});

export const ThreadListResponse = Type.Object({
  category: Nullable(CategorySchema),
  /** A sub-category's parent, for the breadcrumbs. */
  parent: Type.Optional(Nullable(CategorySchema)),
  subcategories: Type.Optional(
    Type.Array(CategorySchema, { description: "A category's sub-categories, whose threads its list shows too" }),
  ),
  pinned: Type.Array(ThreadListItem),
  threads: Type.Array(ThreadListItem),
  nextCursor: Nullable(Type.String()),
});

export const ThreadSchema = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  kind: ThreadKindSchema,
  state: Type.String(),
  /** When a scheduled thread comes out (only staff see scheduled threads); null once published. */
  publishAt: Type.Optional(Nullable(DateTime)),
  bugReport: Type.Optional(Type.Boolean({ description: 'Tagged as a product problem (questions and discussions)' })),
  pinned: Type.Boolean(),
  featured: Type.Boolean(),
  official: Type.Boolean(),
  locked: Type.Boolean(),
  acceptedPostId: Nullable(Type.Integer()),
  postCount: Type.Integer(),
  replyCount: Type.Integer(),
  score: Type.Integer(),
  createdAt: DateTime,
  lastPostAt: DateTime,
  category: CategorySummary,
  author: Type.Object({
    id: Type.Integer(),
    username: Type.String(),
    displayName: Type.String(),
    avatar: Nullable(Type.String()),
  }),
});

export const PostSchema = Type.Object({
  id: Type.Integer(),
  number: Type.Integer(),
  state: Type.String(),
  html: Type.String({ description: 'Sanitized HTML cooked at write time; empty for removed posts' }),
  lang: Nullable(
    Type.String({
      pattern: '^[a-z]{2}$',
      description: 'The language it is written in (ISO 639-1), when it can be told',
    }),
  ),
  likeCount: Type.Integer(),
  helpfulCount: Type.Integer(),
  liked: Type.Boolean(),
  markedHelpful: Type.Boolean(),
  editCount: Type.Integer(),
  editedAt: Nullable(DateTime),
  createdAt: DateTime,
  replyTo: Nullable(Type.Object({ id: Type.Integer(), number: Type.Integer(), username: Type.String() })),
  review: Type.Union([
    Type.Null(),
    Type.Object(
      {
        reasons: Type.Optional(Type.Array(ModerationReasonSchema)),
        hits: Type.Optional(Type.Array(HitSchema)),
        decision: Type.Optional(
          Type.Object({ reason: ReasonTemplateSchema, note: Nullable(Type.String()), decidedAt: DateTime }),
        ),
      },
      { description: 'Why the post is held or refused: only for its author and moderators' },
    ),
  ]),
  author: Type.Object({
    ...AuthorSummary.properties,
    topBadge: Nullable(
      Type.Object({
        key: Type.String(),
        tier: BadgeTierSchema,
        name: Type.Object({ fr: Type.String(), en: Type.String() }),
      }),
    ),
  }),
});

export const ThreadPageQuery = Type.Object({
  after: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647, description: 'Last post number seen' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});

export const ThreadPageResponse = Type.Object({
  thread: ThreadSchema,
  posts: Type.Array(PostSchema),
  page: Type.Object({
    after: Type.Integer(),
    limit: Type.Integer(),
    nextAfter: Nullable(Type.Integer()),
    total: Type.Integer({ description: 'Highest post number in the thread' }),
  }),
  viewer: Type.Object({
    canReply: Type.Boolean(),
    canModerate: Type.Boolean(),
    canAccept: Type.Boolean(),
    tracking: Nullable(
      Type.Object(
        {
          level: TrackingLevelSchema,
          lastRead: Type.Integer({ description: 'The last post number you have seen (0: never opened)' }),
          bookmarks: Type.Array(Type.Integer(), { description: "This page's posts you bookmarked" }),
          ignored: Type.Array(Type.Integer(), { description: "This page's authors you ignore (their posts collapse)" }),
        },
        { description: 'Yours, for members; null for visitors' },
      ),
    ),
  }),
});

const Moderation = Type.Object({
  state: Type.String({ description: 'published, or pending (held for review)' }),
  action: Type.String({ description: 'the netiquette verdict: allow, censor, flag or hold' }),
  hits: Type.Array(HitSchema),
});

/** Hard caps: the configurable limits (TITLE_MAX, BODY_MAX) are checked by the service with clear codes. */
const TitleInput = Type.String({ maxLength: 2000 });
const BodyInput = Type.String({ maxLength: 1_000_000 });

export const ThreadCreateBody = Type.Object({
  categoryId: Id,
  title: TitleInput,
  body: BodyInput,
  kind: Type.Union([
    Type.Literal('discussion'),
    Type.Literal('question'),
    Type.Literal('tip'),
    Type.Literal('idea'),
    Type.Literal('announcement'),
  ]),
  pinned: Type.Optional(Type.Boolean()),
  featured: Type.Optional(Type.Boolean()),
  official: Type.Optional(Type.Boolean()),
  publishAt: Type.Optional(
    Type.String({ format: 'date-time', description: 'Community managers: publish at this time (up to a year ahead)' }),
  ),
  bugReport: Type.Optional(Type.Boolean({ description: 'A question or discussion about a product problem' })),
  pinnedGlobal: Type.Optional(
    Type.Boolean({ description: 'Community managers: pinned on the home page and in every category' }),
  ),
  templateId: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 2147483647,
      description: 'The topic template it starts from: its blanks (…) must be filled in',
    }),
  ),
});

export const PostView = Type.Object({
  id: Type.Integer(),
  threadId: Type.Integer(),
  number: Type.Integer(),
  state: Type.String(),
  html: Type.String(),
  createdAt: DateTime,
});

export const ThreadCreateResponse = Type.Object({
  thread: Type.Object({ id: Type.Integer(), title: Type.String(), kind: ThreadKindSchema, state: Type.String() }),
  post: PostView,
  moderation: Moderation,
});

export const ReplyBody = Type.Object({ body: BodyInput, replyTo: Type.Optional(Id) });
export const ReplyResponse = Type.Object({ post: PostView, moderation: Moderation });

export const EditBody = Type.Object({ body: Type.Optional(BodyInput), title: Type.Optional(TitleInput) });

export const PostSource = Type.Object({
  id: Type.Integer(),
  threadId: Type.Integer(),
  number: Type.Integer(),
  title: Nullable(Type.String()),
  body: Type.String({ description: 'The Markdown source, exactly as written' }),
  html: Type.String(),
  state: Type.String(),
  authorId: Type.Integer(),
});

export const Revisions = Type.Object({
  revisions: Type.Array(
    Type.Object({
      revision: Type.Integer(),
      title: Nullable(Type.String()),
      body: Type.String(),
      editor: Type.String(),
      createdAt: DateTime,
    }),
  ),
});

export const ReactionParams = Type.Object({
  id: Id,
  kind: Type.Union([Type.Literal('like'), Type.Literal('helpful')]),
});

export const ReactionResponse = Type.Object({
  likeCount: Type.Integer(),
  helpfulCount: Type.Integer(),
  active: Type.Boolean(),
});

export const AcceptBody = Type.Object({ postId: Nullable(Id) });
export const AcceptResponse = Type.Object({ acceptedPostId: Nullable(Type.Integer()) });

export const PreviewBody = Type.Object({ body: BodyInput });
export const PreviewResponse = Type.Object({ html: Type.String() });
