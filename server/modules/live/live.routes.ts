import type {} from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
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
}

const MAX_TOPICS = 50;

/**
 * `GET /api/live`: one WebSocket per browser tab. The session cookie says who is there (visitors follow public
 * topics only); the Origin check (security.plugin.ts) refuses other sites' pages. Protocol, JSON both ways:
 *
 * - client: `{ "type": "subscribe", "topics": ["thread:12", "me"], "since": 345 }` (since: the last event id
 *   it saw, to catch up), `{ "type": "unsubscribe", "topics": [...] }`
 * - server: `{ "type": "ready", "last" }`, `{ "type": "subscribed", "topics", "denied": [{ topic, code }] }`,
 *   `{ "type": "event", "id", "topic", "event", "data", "at" }`, `{ "type": "reset" }` (too much was missed:
 *   reload), `{ "type": "error", "code" }`.
 */
export async function liveRoutes(app: FastifyInstance, { hub, topics: access, heartbeatMs, maxBufferedBytes }: LiveOptions) {
  const sockets = new Set<{ socket: WebSocket; alive: boolean }>();
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
  app.addHook('onClose', async () => {
    clearInterval(heartbeat);
    for (const { socket } of sockets) socket.close(1001, 'server stopping');
  });

  app.get('/api/live', { websocket: true, schema: { hide: true } }, (socket: WebSocket, req) => {
    const actor = req.actor;
    const entry = { socket, alive: true };
    sockets.add(entry);
    const topics = new Map<string, string>(); // as asked → internal
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
      for (const internal of topics.values()) hub.unsubscribe(internal, subscriber);
    });

    // Messages are handled one after another, so a subscription's catch-up is done before the next message.
    let queue = Promise.resolve();
    socket.on('message', (raw: Buffer) => {
      queue = queue.then(() => handle(raw)).catch((err) => {
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
      const list = Array.isArray(message.topics) ? message.topics.filter((t): t is string => typeof t === 'string').slice(0, MAX_TOPICS) : null;
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

      const since = Number.isSafeInteger(message.since) && (message.since as number) >= 0 ? (message.since as number) : null;
      const granted: string[] = [];
      const denied: { topic: string; code: string }[] = [];
      const fresh: string[] = [];
      replaying = [];
      for (const t of list) {
        const r = await access.resolve(actor, t);
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
      if (since !== null && fresh.length) missed = await hub.replay(fresh, since);
      const held = replaying;
      replaying = null;
      reply({ type: 'subscribed', topics: granted, denied });
      if (missed === null) reply({ type: 'reset' });
      // What was missed, then what arrived during the catch-up and is not in it.
      const replayed = new Set((missed ?? []).map((e) => e.id));
      for (const e of [...(missed ?? []), ...held.filter((e) => !replayed.has(e.id))]) send(frame(e));
    }

    reply({ type: 'ready', last: hub.last });
  });
}
