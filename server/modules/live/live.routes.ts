import type {} from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../access/access.ts';
import type { WebSocket } from 'ws';
import { frame, type LiveEvent, type LiveHub, type LiveSubscriber } from './hub.ts';
import type { LiveTopics } from './topics.ts';

export interface LiveOptions {
  hub: LiveHub;
  topics: LiveTopics;
  /** Ping interval; a socket that has not answered the previous ping is closed. */
  heartbeatMs: number;
  /** A socket whose unsent data passes this is dropped (it reconnects and catches up). */
  maxBufferedBytes: number;
  /** Open sockets allowed on this node, from one address, and for one signed-in member. */
  caps: { total: number; perAddress: number; perMember: number };
  /** How often the node checks that each socket may still follow its topics (rights change); 0: never. */
  recheckMs?: number;
  /** Receives the check, for whoever wants to run it now (the app, as `app.liveRecheck()`). */
  control?: LiveControl;
}

/** Handles on the live routes, filled in when they are registered. */
export interface LiveControl {
  recheck(): Promise<void>;
}

/** One open socket as the node keeps it. */
interface Entry {
  socket: WebSocket;
  alive: boolean;
  actor: Actor | null;
  /** Topics as asked → internal topic. */
  topics: Map<string, string>;
  /** Stops following topics the actor may no longer see, and tells the client. */
  revoke(asked: string[]): void;
}

/** The close code for a socket refused by a cap: RFC 6455's "Try Again Later". */
export const CLOSE_TRY_LATER = 1013;

const MAX_TOPICS = 50;

/**
 * `GET /api/live`: one WebSocket per browser tab. The session cookie says who is there (visitors follow public
 * topics only); the Origin check (security.plugin.ts) refuses other sites' pages. Protocol, JSON both ways:
 *
 * - client: `{ "type": "subscribe", "topics": ["thread:12", "me"], "since": 345 }` (since: the last event id
 *   it saw, to catch up), `{ "type": "unsubscribe", "topics": [...] }`
 * - server: `{ "type": "ready", "last" }`, `{ "type": "subscribed", "topics", "denied": [{ topic, code }] }`,
 *   `{ "type": "event", "id", "topic", "event", "data", "at" }`, `{ "type": "reset" }` (too much was missed:
 *   reload), `{ "type": "revoked", "topics" }` (no longer allowed: a category made private…), `{ "type": "error", "code" }`.
 */
export async function liveRoutes(
  app: FastifyInstance,
  { hub, topics: access, heartbeatMs, maxBufferedBytes, caps, recheckMs = 30_000, control }: LiveOptions,
) {
  const sockets = new Set<Entry>();
  const perAddress = new Counter();
  const perMember = new Counter();
  const heartbeat = setInterval(() => {
    for (const entry of sockets) {
      if (!entry.alive) {
        entry.socket.terminate();
        continue;
      }
      entry.alive = false;
      entry.socket.ping();
    }
  }, heartbeatMs);
  heartbeat.unref();
  // Rights change while sockets stay open (a category made private, a thread moved or hidden): every topic the
  // node follows is checked again, in two statements, and sockets stop receiving what their reader may no longer
  // see (`{ "type": "revoked", "topics" }`).
  const recheck = async () => {
    const followed = new Set<string>();
    for (const entry of sockets) for (const internal of entry.topics.values()) followed.add(internal);
    if (followed.size === 0) return;
    const allowed = await access.recheck(followed);
    for (const entry of sockets) {
      const lost = [...entry.topics].filter(([, internal]) => !allowed(entry.actor, internal)).map(([asked]) => asked);
      if (lost.length) entry.revoke(lost);
    }
  };
  const rechecking = recheckMs > 0 ? setInterval(() => void recheck().catch(() => {}), recheckMs) : undefined;
  rechecking?.unref();
  if (control) control.recheck = recheck;
  app.addHook('onClose', async () => {
    clearInterval(heartbeat);
    clearInterval(rechecking);
    for (const { socket } of sockets) socket.close(1001, 'server stopping');
  });

  app.get('/api/live', { websocket: true, schema: { hide: true } }, (socket: WebSocket, req) => {
    const actor = req.actor;
    // One client (an address, a member) cannot hold the node's sockets, nor all clients its file descriptors.
    const refusal =
      sockets.size >= caps.total
        ? 'live.node_full'
        : perAddress.get(req.ip) >= caps.perAddress
          ? 'live.too_many_from_address'
          : actor && perMember.get(String(actor.id)) >= caps.perMember
            ? 'live.too_many_for_member'
            : null;
    if (refusal) {
      socket.close(CLOSE_TRY_LATER, refusal);
      return;
    }
    const topics = new Map<string, string>(); // as asked → internal
    const entry: Entry = {
      socket,
      alive: true,
      actor,
      topics,
      revoke(asked) {
        for (const t of asked) {
          const internal = topics.get(t);
          if (internal) hub.unsubscribe(internal, subscriber);
          topics.delete(t);
        }
        reply({ type: 'revoked', topics: asked });
      },
    };
    sockets.add(entry);
    perAddress.add(req.ip);
    if (actor) perMember.add(String(actor.id));
    let replaying: LiveEvent[] | null = null;

    const send = (json: string) => {
      if (socket.readyState !== socket.OPEN) return;
      if (socket.bufferedAmount > maxBufferedBytes) {
        // A slow reader: drop it rather than buffer without bound; it reconnects and catches up.
        socket.terminate();
        return;
      }
      socket.send(json);
    };
    const subscriber: LiveSubscriber = {
      deliver(event, json) {
        if (replaying) replaying.push(event);
        else send(json);
      },
    };
    const reply = (message: object) => send(JSON.stringify(message));

    socket.on('pong', () => (entry.alive = true));
    socket.on('close', () => {
      sockets.delete(entry);
      perAddress.remove(req.ip);
      if (actor) perMember.remove(String(actor.id));
      for (const internal of topics.values()) hub.unsubscribe(internal, subscriber);
    });

    // Messages are handled one after another, so a subscription's catch-up is done before the next message.
    let queue = Promise.resolve();
    socket.on('message', (raw: Buffer) => {
      queue = queue
        .then(() => handle(raw))
        .catch((err) => {
          req.log.warn({ err }, 'live: message failed');
          reply({ type: 'error', code: 'internal' });
        });
    });

    async function handle(raw: Buffer) {
      let message: { type?: unknown; topics?: unknown; since?: unknown };
      try {
        message = JSON.parse(raw.toString('utf8'));
      } catch {
        return reply({ type: 'error', code: 'message.malformed' });
      }
      const list = Array.isArray(message.topics)
        ? message.topics.filter((t): t is string => typeof t === 'string').slice(0, MAX_TOPICS)
        : null;
      if (!list || typeof message !== 'object') return reply({ type: 'error', code: 'message.malformed' });
      if (message.type === 'unsubscribe') {
        for (const t of list) {
          const internal = topics.get(t);
          if (internal) hub.unsubscribe(internal, subscriber);
          topics.delete(t);
        }
        return reply({ type: 'unsubscribed', topics: list });
      }
      if (message.type !== 'subscribe') return reply({ type: 'error', code: 'message.unknown_type' });
      if (topics.size + list.length > MAX_TOPICS) return reply({ type: 'error', code: 'topics.too_many' });

      const since =
        Number.isSafeInteger(message.since) && (message.since as number) >= 0 ? (message.since as number) : null;
      const granted: string[] = [];
      const denied: { topic: string; code: string }[] = [];
      const fresh: string[] = [];
      replaying = [];
      for (const t of list) {
        // A topic that cannot be resolved is refused alone; the socket and its other topics go on.
        const r = await access.resolve(actor, t).catch((err: unknown) => {
          req.log.warn({ err, topic: t }, 'live: topic check failed');
          return { denied: 'topic.unavailable' };
        });
        if ('denied' in r) {
          denied.push({ topic: t, code: r.denied });
          continue;
        }
        granted.push(t);
        if (!topics.has(t)) {
          topics.set(t, r.topic);
          hub.subscribe(r.topic, subscriber);
          fresh.push(r.topic);
        }
      }
      let missed: LiveEvent[] | null = [];
      try {
        if (since !== null && fresh.length) missed = await hub.replay(fresh, since);
      } catch (err) {
        req.log.warn({ err }, 'live: catch-up failed');
        missed = null; // the client reloads rather than miss events
      }
      const held = replaying;
      replaying = null;
      reply({ type: 'subscribed', topics: granted, denied });
      if (missed === null) reply({ type: 'reset' });
      // What was missed, then what arrived during the catch-up and is not in it.
      const replayed = new Set((missed ?? []).map((e) => e.id));
      // Nor what the client already saw: on a node whose hub is a moment behind the one the client came from,
      // an event up to `since` can still arrive live during the catch-up.
      const unseen = (e: LiveEvent) => !replayed.has(e.id) && (since === null || e.id > since);
      for (const e of [...(missed ?? []), ...held.filter(unseen)]) send(frame(e));
    }

    reply({ type: 'ready', last: hub.last });
  });
}

/** Open sockets per key; a key leaves the map with its last socket. */
class Counter {
  private readonly counts = new Map<string, number>();
  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }
  add(key: string): void {
    this.counts.set(key, this.get(key) + 1);
  }
  remove(key: string): void {
    const left = this.get(key) - 1;
    if (left > 0) this.counts.set(key, left);
    else this.counts.delete(key);
  }
}
