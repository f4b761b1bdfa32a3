import { Type } from 'typebox';
import { ActionSchema, DateTime, Id, Nullable } from '../../http/schemas.ts';

export { ActionSchema };

const Messages = Type.Object({ fr: Type.String(), en: Type.String() });

export const HitSchema = Type.Object({
  ruleKey: Type.String(),
  action: ActionSchema,
  messages: Messages,
  field: Type.String({ description: 'title or body' }),
  start: Type.Integer({ description: 'UTF-16 offset in the original text' }),
  end: Type.Integer(),
  excerpt: Type.String(),
  retryAfterSeconds: Type.Optional(Type.Integer()),
});

export const VerdictSchema = Type.Object({ action: ActionSchema, hits: Type.Array(HitSchema) });

export const ExplanationSchema = Type.Object({
  ruleKey: Type.String(),
  fired: Type.Boolean({ description: 'true: the rule hit this passage; false: it looked at it and let it go' }),
  field: Type.String({ description: 'title or body' }),
  start: Type.Integer({ description: 'UTF-16 offset in the original text' }),
  end: Type.Integer(),
  excerpt: Type.String(),
  why: Messages,
});

export const CheckResponse = Type.Object({
  ...VerdictSchema.properties,
  explain: Type.Optional(
    Type.Array(ExplanationSchema, {
      description:
        'Moderators and community managers only: why each rule fired on a passage, or why it let one go (an ordinary sense, a compound word, said of oneself, not aimed at anyone…)',
    }),
  ),
});

export const CheckBody = Type.Object({
  title: Type.Optional(Type.String({ maxLength: 2000 })),
  body: Type.String({ maxLength: 1_000_000 }),
  categoryId: Type.Optional(Nullable(Id)),
});

export const RuleSchema = Type.Object({
  key: Type.String(),
  kind: Type.String(),
  builtin: Type.Boolean(),
  name: Messages,
  action: ActionSchema,
  enabled: Type.Boolean(),
  categoryIds: Nullable(Type.Array(Type.Integer())),
  params: Type.Record(Type.String(), Type.Unknown()),
  messages: Messages,
  stats: Type.Object({
    hits30d: Type.Integer(),
    upheld: Type.Integer({ description: 'hits whose post moderators rejected' }),
    overturned: Type.Integer({ description: 'hits whose post moderators approved' }),
    precision: Nullable(Type.Number()),
    poorPrecision: Type.Boolean({
      description:
        'Moderators overturned most of its decided hits (precision under 50 % over at least 3 decisions): the rule needs another look',
    }),
  }),
  weekly: Type.Array(Type.Integer(), { description: 'Hits per week over the last 8 weeks, oldest first' }),
  updatedAt: DateTime,
});

const Words = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 2000 });

export const RuleCreateBody = Type.Object({
  kind: Type.Union([Type.Literal('words'), Type.Literal('regex')]),
  action: ActionSchema,
  name: Type.String({ minLength: 1, maxLength: 120 }),
  enabled: Type.Optional(Type.Boolean()),
  categoryIds: Type.Optional(Nullable(Type.Array(Id, { maxItems: 200 }))),
  words: Type.Optional(Words),
  pattern: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  caseSensitive: Type.Optional(Type.Boolean()),
  messageFr: Type.Optional(Type.String({ maxLength: 500 })),
  messageEn: Type.Optional(Type.String({ maxLength: 500 })),
});

export const RuleUpdateBody = Type.Object({
  action: Type.Optional(ActionSchema),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
  enabled: Type.Optional(Type.Boolean()),
  categoryIds: Type.Optional(Nullable(Type.Array(Id, { maxItems: 200 }))),
  words: Type.Optional(Words),
  pattern: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  caseSensitive: Type.Optional(Type.Boolean()),
  params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Settings of a built-in detector' })),
  messageFr: Type.Optional(Type.String({ maxLength: 500 })),
  messageEn: Type.Optional(Type.String({ maxLength: 500 })),
});

export const BacktestBody = Type.Object({
  ...RuleCreateBody.properties,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
});

export const BacktestResponse = Type.Object({
  scanned: Type.Integer(),
  matched: Type.Integer(),
  matches: Type.Array(
    Type.Object({
      postId: Type.Integer(),
      threadId: Type.Integer(),
      number: Type.Integer(),
      title: Type.String(),
      text: Type.String(),
      hits: Type.Array(
        Type.Object({ field: Type.String(), start: Type.Integer(), end: Type.Integer(), excerpt: Type.String() }),
      ),
    }),
  ),
});
