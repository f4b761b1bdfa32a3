import { Type } from 'typebox';
import { DateTime, LocaleSchema, Nullable, RoleSchema, StringEnum, TrackingLevelSchema } from '../../http/schemas.ts';

export const PublicMember = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  bio: Type.String(),
  role: RoleSchema,
  trustLevel: Type.Integer(),
  reputation: Type.Integer(),
  postCount: Type.Integer(),
  createdAt: DateTime,
  avatar: Nullable(Type.String({ description: "The member's avatar (256 px square); null: show initials" })),
  location: Type.String(),
  website: Type.String({ description: 'An http(s) address, or empty; pages link it with rel="nofollow ugc"' }),
  pronouns: Type.String(),
});
const ThemeSchema = StringEnum(['system', 'light', 'dark']);

export const Me = Type.Object({
  ...PublicMember.properties,
  email: Type.String(),
  locale: LocaleSchema,
  suspendedUntil: Nullable(DateTime),
  banned: Type.Boolean(),
  emailVerified: Type.Boolean({ description: 'Whether the member confirmed their e-mail address' }),
  theme: ThemeSchema,
  replyTracking: TrackingLevelSchema,
});

export const ProfileResponse = Type.Object({
  member: PublicMember,
  recentPosts: Type.Array(
    Type.Object({
      id: Type.Integer(),
      number: Type.Integer(),
      threadId: Type.Integer(),
      threadTitle: Type.String(),
      excerpt: Type.String(),
      createdAt: DateTime,
    }),
  ),
});

export const UpdateMeBody = Type.Object({
  displayName: Type.Optional(Type.String({ maxLength: 60 })),
  bio: Type.Optional(Type.String({ maxLength: 1000 })),
  location: Type.Optional(Type.String({ maxLength: 100 })),
  website: Type.Optional(Type.String({ maxLength: 300 })),
  pronouns: Type.Optional(Type.String({ maxLength: 40 })),
  theme: Type.Optional(ThemeSchema),
  replyTracking: Type.Optional(
    Type.Unsafe<'watching' | 'tracking' | 'normal' | 'muted'>({
      ...TrackingLevelSchema,
      description: 'The level a thread gets when you post in it (tracking by default)',
    }),
  ),
  locale: Type.Optional(Type.Union([Type.Literal('fr'), Type.Literal('en')])),
});

export const RoleBody = Type.Object({
  role: Type.Union([
    Type.Literal('member'),
    Type.Literal('moderator'),
    Type.Literal('community_manager'),
    Type.Literal('admin'),
  ]),
});
