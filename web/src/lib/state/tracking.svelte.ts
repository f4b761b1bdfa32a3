import { api } from '../api/client.ts';
import type { CategoryTracking, ThreadTracking } from '../api/types.ts';
import { live } from './live.svelte.ts';
import { session } from './session.svelte.ts';

/**
 * The member's layer over thread lists: level, read position, unread and new per listed thread, and their
 * previous visit (lists mark what moved since). Lists hand their threads to `watch`; the states stay current
 * through each listed thread's live topic: a post by someone else adds one unread to a tracked thread, or marks
 * an untracked one as moved.
 */
class ListTracking {
  states = $state<Record<number, ThreadTracking & { moved?: boolean }>>({});
  previousVisitAt = $state<string | null>(null);

  /** Loads the overlay of these threads and follows them; the returned function stops following. */
  watch(ids: number[]): () => void {
    const me = session.me?.id;
    if (me === undefined || ids.length === 0) return () => {};
    const unique = [...new Set(ids)].slice(0, 100);
    void this.load(unique);
    const stops = unique.map((id) =>
      live.follow(`thread:${id}`, (m) => {
        if (m.event === 'reset') return void this.load(unique);
        if (m.event !== 'post.created' || m.data.authorId === me) return;
        const state = this.states[id];
        if (!state) return;
        const tracked = (state.level === 'tracking' || state.level === 'watching') && state.lastRead > 0;
        this.states[id] = tracked ? { ...state, unread: state.unread + 1 } : { ...state, moved: true };
      }),
    );
    return () => stops.forEach((stop) => stop());
  }

  private async load(ids: number[]) {
    try {
      const res = await api.threadTracking(ids);
      this.previousVisitAt = res.previousVisitAt;
      const next = { ...this.states };
      for (const s of res.threads) next[s.threadId] = s;
      this.states = next;
    } catch {
      // The list shows without counts; the next visit loads them.
    }
  }

  /** Per category: the member's level, threads with unread posts, new threads (home page, category pages). */
  categories = $state<Record<number, CategoryTracking>>({});

  async loadCategories() {
    if (!session.me) return;
    try {
      const res = await api.categoryTracking();
      this.categories = Object.fromEntries(res.categories.map((c) => [c.categoryId, c]));
    } catch {
      // Counts are a help, not the page: without them the categories still show.
    }
  }

  /** The member opened a thread: its counts in lists start from where they are now. */
  read(threadId: number, number: number) {
    const state = this.states[threadId];
    if (state && number > state.lastRead) {
      this.states[threadId] = { ...state, lastRead: number, unread: 0, isNew: false, moved: false };
    }
  }
}

export const listTracking = new ListTracking();
