import { Type } from 'typebox';
import { DateTime, LocaleSchema, Nullable, RoleSchema } from '../../http/schemas.ts';

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
});

export const Me = Type.Object({
  ...PublicMember.properties,
  email: Type.String(),
  locale: LocaleSchema,
  suspendedUntil: Nullable(DateTime),
  banned: Type.Boolean(),
  emailVerified: Type.Boolean({ description: 'Whether the member confirmed their e-mail address' }),
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
