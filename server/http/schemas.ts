import { type Static, type TSchema, Type } from 'typebox';
import type {
  BadgeTier,
  IdeaStatus,
  Locale,
  ModerationAction,
  ModerationReason,
  PostingLevel,
  SeeLevel,
  Role,
  TrackingLevel,
  ThreadKind,
} from '../db/types.ts';

/**
 * `T | null` as `type: [T, "null"]` rather than `anyOf`: fast-json-stringify serialises a type list directly,
 * whereas an anyOf makes it validate every value against each branch at run time (measured: the thread page
 * spent most of its time there).
 */
export const Nullable = <T extends TSchema>(schema: T) => {
  const { type } = schema as unknown as { type: string };
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'] });
};

/**
 * A string restricted to `values`, as `{type: "string", enum}`: serialised as a plain string (an anyOf of literals
 * would be checked branch by branch), and typed as the union in the generated web client.
 */
export const StringEnum = <const T extends readonly [string, ...string[]]>(
  values: T,
  options: { description?: string } = {},
) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

export const ThreadKindSchema = StringEnum(['discussion', 'question', 'tip', 'idea', 'announcement']);
export const RoleSchema = StringEnum(['member', 'moderator', 'community_manager', 'admin']);
export const LocaleSchema = StringEnum(['fr', 'en']);
export const BadgeTierSchema = StringEnum(['bronze', 'silver', 'gold']);
export const TrackingLevelSchema = StringEnum(['watching', 'tracking', 'normal', 'muted'], {
  description: 'watching: told of every new post; tracking: unread counts; normal; muted: out of the lists’ new',
});
export const IdeaStatusSchema = StringEnum(['new', 'under_review', 'planned', 'shipped', 'declined']);
export const ActionSchema = StringEnum(['allow', 'censor', 'flag', 'hold', 'reject'], {
  description: 'allow < censor (publish masked) < flag (publish, review) < hold (review first) < reject',
});
export const ModerationReasonSchema = StringEnum(['rule', 'report', 'pre', 'post', 'resubmit', 'appeal', 'manual']);
export const PostingLevelSchema = StringEnum(['member', 'trust_1', 'trust_2', 'trust_3', 'trust_4', 'staff'], {
  description: 'Who may: members, members from a trust level up, or staff only',
});
export const SeeLevelSchema = StringEnum(['visitor', 'member', 'trust_1', 'trust_2', 'trust_3', 'trust_4', 'staff'], {
  description: 'Who may see: everyone (visitor), members, members from a trust level up, or staff only',
});

// Each list above equals its column's CHECK constraint (db/types.ts comes from the migrated database).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const inStep: [
  Same<Static<typeof ThreadKindSchema>, ThreadKind>,
  Same<Static<typeof RoleSchema>, Role>,
  Same<Static<typeof LocaleSchema>, Locale>,
  Same<Static<typeof BadgeTierSchema>, BadgeTier>,
  Same<Static<typeof IdeaStatusSchema>, IdeaStatus>,
  Same<Static<typeof ActionSchema>, ModerationAction>,
  Same<Static<typeof ModerationReasonSchema>, ModerationReason>,
  Same<Static<typeof PostingLevelSchema>, PostingLevel>,
  Same<Static<typeof SeeLevelSchema>, SeeLevel>,
  Same<Static<typeof TrackingLevelSchema>, TrackingLevel>,
] = [true, true, true, true, true, true, true, true, true, true];
void inStep;

/** A rejection reason a moderator picks, in both languages. */
export const ReasonTemplateSchema = Type.Object({
  key: Type.String({ pattern: '^[a-z0-9_]{2,40}$' }),
  fr: Type.String({ minLength: 1, maxLength: 200 }),
  en: Type.String({ minLength: 1, maxLength: 200 }),
});

export const Id = Type.Integer({ minimum: 1, maximum: 2147483647, description: 'A numeric id' });
export const IdParams = Type.Object({ id: Id });
export const DateTime = Type.String({ format: 'date-time' });
export const Cursor = Type.String({ maxLength: 600, description: 'Opaque keyset cursor from a previous page' });

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable machine-readable code, e.g. thread.locked' }),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'Error', description: 'Every error has this shape' },
);

/** The error responses most routes can give, for the OpenAPI document. */
export const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, Type.Ref('Error')])) as Record<number, ReturnType<typeof Type.Ref>>;

export const AuthorSummary = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  trustLevel: Type.Integer(),
  reputation: Type.Integer(),
  avatar: Nullable(Type.String({ description: "The member's avatar (256 px square); null: show initials" })),
});

/**
 * The fields every thread card of a list shares (home, the scheduling calendar, the ideas board): spread into
 * each list's item schema with what that list adds.
 */
export const ThreadCardFields = {
  id: Type.Integer(),
  title: Type.String(),
  category: Type.Object({ slug: Type.String(), name: Type.String(), color: Type.String() }),
  author: Type.Object({ username: Type.String() }),
};

export const CategorySummary = Type.Object({
  id: Type.Integer(),
  slug: Type.String(),
  name: Type.String(),
  nameEn: Type.Optional(Nullable(Type.String({ description: 'In English; null: the default name' }))),
  icon: Type.Optional(Nullable(Type.String())),
  color: Type.String(),
  seeLevel: Type.Optional(SeeLevelSchema),
  parent: Type.Optional(
    Nullable(
      Type.Object({ id: Type.Integer(), slug: Type.String(), name: Type.String(), nameEn: Nullable(Type.String()) }),
    ),
  ),
});

export const Ok = Type.Object({ ok: Type.Boolean() });
