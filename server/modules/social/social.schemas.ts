import { Type } from 'typebox';
import { Nullable, StringEnum } from '../../http/schemas.ts';

export const EmojiParam = Type.String({ minLength: 1, maxLength: 16, description: 'One emoji of the reaction set' });

export const EmojiCount = Type.Object({
  postId: Type.Integer(),
  emoji: Type.String(),
  count: Type.Integer(),
  mine: Type.Boolean({ description: 'Whether the reader is among them' }),
});

export const PollResults = StringEnum(['always', 'voted', 'closed'], {
  description: 'When results show: at once, once the reader voted, or once the poll closed',
});

export const Poll = Type.Object({
  id: Type.Integer(),
  postId: Type.Integer(),
  question: Type.String(),
  multiple: Type.Boolean(),
  results: PollResults,
  closesAt: Nullable(Type.String({ format: 'date-time' })),
  closed: Type.Boolean(),
  voters: Nullable(Type.Integer({ description: 'null while results are hidden from this reader' })),
  voted: Type.Boolean(),
  canClose: Type.Boolean(),
  options: Type.Array(
    Type.Object({
      id: Type.Integer(),
      label: Type.String(),
      votes: Nullable(Type.Integer()),
      mine: Type.Boolean(),
    }),
  ),
});

export const Tag = Type.Object({
  name: Type.String(),
  description: Type.String(),
  threads: Type.Integer({ description: 'Published threads carrying it' }),
});

export const TagName = Type.String({ minLength: 1, maxLength: 60 });

export const SocialSettingsSchema = Type.Object({
  reactions: Type.Array(Type.String({ minLength: 1, maxLength: 16 }), { minItems: 1, maxItems: 12 }),
  tagCreateTrustLevel: Type.Integer({ minimum: 0, maximum: 4 }),
  maxTagsPerThread: Type.Integer({ minimum: 1, maximum: 10 }),
});

/** Requests per minute: mention suggestions per client, polls and tags per member, reactions and votes per member. */
export interface SocialLimits {
  search: number;
  posting: number;
  reacting: number;
}

/** A route's rate limit (counted in PostgreSQL for every node), per member or, for visitors, per address. */
export const perMinute = (namespace: string, max: number) => ({
  rateLimit: {
    max,
    timeWindow: '1 minute',
    keyGenerator: (req: { actor: { id: number } | null; ip: string }) => `${namespace}:${req.actor?.id ?? req.ip}`,
  },
});
