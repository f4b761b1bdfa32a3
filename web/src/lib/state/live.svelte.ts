import type { components } from '../api/schema';
/**
 * A pushed event, typed by the server's live-event catalogue (server/events/live-catalogue.ts) through the
 * generated client: checking `event` narrows `data` to that event's payload.
 */
export type LiveMessage = components['schemas']['LiveEvent'];
type Handler = (message: LiveMessage | { event: 'reset' }) => void;

/**
 * The tab's one WebSocket to `/api/live` (server/modules/live/live.routes.ts). Pages follow topics with
 * `live.follow(topic, handler)`; the socket reconnects by itself with a growing pause, and on reconnecting asks
 * for what it missed since the last event it saw. When too much was missed, handlers get a `reset` and reload.
 */
class Live {
  status = $state<'idle' | 'connecting' | 'open' | 'offline'>('idle');
  private socket: WebSocket | null = null;
  private readonly handlers = new Map<string, Set<Handler>>();
  private last = 0;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** Follows a topic (`thread:12`, `category:3`, `queue`, `me`); returns the function that stops. */
  follow(topic: string, handler: Handler): () => void {
    let set = this.handlers.get(topic);
    const fresh = !set;
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(handler);
    if (!this.socket) this.connect();
    else if (fresh) this.send({ type: 'subscribe', topics: [topic] });
    return () => {
      set.delete(handler);
      if (set.size === 0) {
        this.handlers.delete(topic);
        this.send({ type: 'unsubscribe', topics: [topic] });
      }
    };
  }

  /** After signing in or out: a new socket, so that the server knows who is there. */
  restart() {
    this.socket?.close();
    this.socket = null;
    clearTimeout(this.timer);
    if (this.handlers.size) this.connect();
  }

  private send(message: object) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private connect() {
    clearTimeout(this.timer);
    this.status = 'connecting';
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/live`);
    this.socket = socket;
    socket.onopen = () => {
      this.failures = 0;
      this.status = 'open';
    };
    socket.onmessage = (e) => {
      let message: { type: string; last?: number; id?: number; topic?: string };
      try {
        message = JSON.parse(e.data as string);
      } catch {
        return;
      }
      if (message.type === 'ready') {
        const since = this.last > 0 ? this.last : undefined;
        if (this.last === 0) this.last = message.last ?? 0;
        if (this.handlers.size) this.send({ type: 'subscribe', topics: [...this.handlers.keys()], since });
      } else if (message.type === 'event') {
        this.last = Math.max(this.last, message.id!);
        // The server names a member's own topic by id; pages follow it as `me`.
        const topic = message.topic!.startsWith('member:') ? 'me' : message.topic!;
        for (const h of this.handlers.get(topic) ?? []) h(message as LiveMessage); // as the catalogue says the server sends
      } else if (message.type === 'revoked') {
        // No longer allowed (a category made private, a thread moved): the page reloads and learns it is gone.
        for (const topic of (message as { topics?: string[] }).topics ?? [])
          for (const h of this.handlers.get(topic) ?? []) h({ event: 'reset' });
      } else if (message.type === 'reset') {
        for (const set of this.handlers.values()) for (const h of set) h({ event: 'reset' });
      }
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.status = 'offline';
      this.failures += 1;
      // 1 s, 2 s, 4 s … up to 30 s, with jitter so that a restarted server is not hit by every tab at once.
      const pause = Math.min(30_000, 1000 * 2 ** (this.failures - 1)) * (0.5 + Math.random() / 2);
      this.timer = setTimeout(() => {
        if (this.handlers.size) this.connect();
      }, pause);
    };
  }
}

export const live = new Live();
