import { type Static, type TSchema, Type } from 'typebox';
import { IdeaStatusSchema, ThreadKindSchema } from '../http/schemas.ts';

/**
 * Every event the live socket (`GET /api/live`) can push: the topic family it is published on, its name and its
 * payload. The events are written by triggers, in the transaction that causes them (server/db/schema.sql shows
 * the `agora_live_*` functions; tests/integration/live-catalogue.test.ts checks both sides agree). The hub types
 * its frames with it, and the OpenAPI document carries it as the `LiveEvent` schema, so the web app's live state
 * reads typed payloads from the generated client.
 */
const PostRef = { postId: Type.Integer(), threadId: Type.Integer(), number: Type.Integer() };
const QueueRef = { itemId: Type.Integer(), postId: Type.Integer() };

export const LIVE_EVENTS = {
  'post.created': { topic: 'thread', data: Type.Object({ ...PostRef, authorId: Type.Integer() }) },
  'post.hidden': { topic: 'thread', data: Type.Object(PostRef) },
  'post.edited': { topic: 'thread', data: Type.Object(PostRef) },
  'post.reactions': {
    topic: 'thread',
    data: Type.Object({ ...PostRef, likes: Type.Integer(), helpful: Type.Integer() }),
  },
  'post.emoji': {
    topic: 'thread',
    data: Type.Object({ ...PostRef, emoji: Type.String(), count: Type.Integer() }),
  },
  'poll.updated': {
    topic: 'thread',
    data: Type.Object({
      pollId: Type.Integer(),
      postId: Type.Integer(),
      threadId: Type.Integer(),
      voters: Type.Integer(),
      closed: Type.Boolean(),
    }),
  },
  'idea.updated': {
    topic: 'thread',
    data: Type.Object({ threadId: Type.Integer(), status: IdeaStatusSchema, votes: Type.Integer() }),
  },
  'thread.created': {
    topic: 'category',
    data: Type.Object({ threadId: Type.Integer(), categoryId: Type.Integer(), kind: ThreadKindSchema }),
  },
  'moderation.added': { topic: 'queue', data: Type.Object(QueueRef) },
  'moderation.decided': { topic: 'queue', data: Type.Object({ ...QueueRef, status: Type.String() }) },
  'moderation.claimed': {
    topic: 'queue',
    data: Type.Object({ ...QueueRef, claimedBy: Type.Union([Type.Integer(), Type.Null()]) }),
  },
  'moderation.reported': { topic: 'queue', data: Type.Object({ ...QueueRef, reports: Type.Integer() }) },
  'message.created': {
    topic: 'conversation',
    data: Type.Object({ conversationId: Type.Integer(), messageId: Type.Integer(), authorId: Type.Integer() }),
  },
  notification: {
    topic: 'member',
    data: Type.Object({ id: Type.Integer(), kind: Type.String(), count: Type.Integer() }),
  },
} as const satisfies Record<string, { topic: LiveTopicFamily; data: TSchema }>;

/**
 * `thread:<id>`, `category:<id>`, `queue` (moderators), `member:<id>` (a member's own; clients say `me`),
 * `conversation:<id>` (its participants; the team for a conversation with the team).
 */
export type LiveTopicFamily = 'thread' | 'category' | 'queue' | 'member' | 'conversation';
export type LiveEventName = keyof typeof LIVE_EVENTS;
export type LivePayload<E extends LiveEventName> = Static<(typeof LIVE_EVENTS)[E]['data']>;

/** A pushed frame, `{ "type": "event", id, topic, event, data, at }`, as one schema per event. */
export const LiveEventSchema = Type.Union(
  Object.entries(LIVE_EVENTS).map(([event, { data }]) =>
    Type.Object({
      type: Type.Literal('event'),
      id: Type.Integer({ description: 'Increasing; send the last one seen as `since` to catch up after a reconnect' }),
      topic: Type.String(),
      event: Type.Literal(event),
      data,
      at: Type.String({ format: 'date-time' }),
    }),
  ),
  {
    $id: 'LiveEvent',
    description: 'A frame pushed on GET /api/live (WebSocket); `event` says which payload `data` holds',
  },
);
