import { api, ApiError } from '../api/client.ts';
import type { QueueItem, ReasonTemplate } from '../api/types.ts';
import { errorMessage } from '../errors.ts';
import { t } from '../i18n/index.svelte.ts';
import { live } from './live.svelte.ts';
import { session } from './session.svelte.ts';

/** Why an item is in the queue, as the filter offers them. */
export const QUEUE_REASONS = ['rule', 'report', 'pre', 'post', 'resubmit'];

/**
 * The moderation queue as a moderator works it: the open items (filtered by why they are there), kept current
 * by the queue's live topic, one of them selected for the keyboard, and the decisions on one item or on the
 * checked ones. Create it while the page's component initialises: it loads and follows the queue for as long
 * as that component lives.
 */
export class ModerationQueue {
  items = $state<QueueItem[]>([]);
  /** How many items are open in all (the list shows one page). */
  open = $state(0);
  /** The reasons a moderator gives when refusing, read once. */
  reasons = $state<ReasonTemplate[]>([]);
  /** One of QUEUE_REASONS, or '' for every item. */
  filter = $state('');
  /** The index of the item the keyboard acts on. */
  selected = $state(0);
  status = $state<'loading' | 'ready' | 'error'>('loading');
  error = $state('');
  /**
   * What happened to an item the moderator acted on, shown on the item itself: a decided item stays in its
   * place (closed) with its outcome until the moderator dismisses it, rather than vanishing under a notice
   * at the top of the page.
   */
  outcomes = $state<Record<number, { ok: boolean; text: string; decided: boolean }>>({});
  /** The item whose refusal is being written, with its reason and note. */
  rejecting = $state<number | null>(null);
  rejectReason = $state('');
  rejectNote = $state('');
  /** The checked items, and the reason for refusing them together. */
  chosen = $state<number[]>([]);
  bulkReason = $state('');

  #reloadTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    $effect(() => {
      void this.filter;
      void this.load();
    });
    // Items added, claimed or decided by other moderators show at once (one reload per burst of events).
    $effect(() => {
      if (!session.isStaff) return;
      const stop = live.follow('queue', () => {
        clearTimeout(this.#reloadTimer);
        this.#reloadTimer = setTimeout(this.load, 300);
      });
      return () => (stop(), clearTimeout(this.#reloadTimer));
    });
  }

  load = async () => {
    try {
      const [queue, r] = await Promise.all([
        api.queue({ reason: this.filter || undefined }),
        this.reasons.length ? null : api.reasons(),
      ]);
      this.items = this.#keepDecided(queue.items);
      this.open = queue.open;
      if (r) {
        this.reasons = r.reasons;
        this.bulkReason ||= r.reasons[0]?.key ?? '';
      }
      this.selected = Math.min(this.selected, Math.max(0, this.items.length - 1));
      this.status = 'ready';
    } catch (err) {
      this.error = errorMessage(err);
      this.status = 'error';
    }
  };

  /** The fresh page, with the items decided here put back where they were (the server no longer lists them). */
  #keepDecided(fresh: QueueItem[]): QueueItem[] {
    const out = [...fresh];
    this.items.forEach((item, index) => {
      if (this.outcomes[item.id]?.decided && !fresh.some((f) => f.id === item.id))
        out.splice(Math.min(index, out.length), 0, item);
    });
    return out;
  }

  /** Checks or unchecks an item for a bulk decision. */
  choose = (item: QueueItem, on: boolean) => {
    this.chosen = on ? [...new Set([...this.chosen, item.id])] : this.chosen.filter((id) => id !== item.id);
  };

  /** Whether the item was decided here: it stays on the page, closed, with its outcome. */
  isDecided = (item: QueueItem) => this.outcomes[item.id]?.decided === true;

  dismiss = (item: QueueItem) => {
    delete this.outcomes[item.id];
    this.items = this.items.filter((i) => i.id !== item.id);
  };

  /**
   * Runs an action on some items and records its outcome on each of them, then reloads the queue whatever
   * happened (another moderator may have been first).
   */
  async #act(ids: number[], run: () => Promise<unknown>, done: { text: string; decided: boolean }) {
    this.error = '';
    try {
      await run();
      for (const id of ids) this.outcomes[id] = { ok: true, ...done };
      this.rejecting = null;
    } catch (err) {
      for (const id of ids) this.outcomes[id] = { ok: false, text: errorMessage(err), decided: false };
    }
    await this.load();
  }

  approve = (item: QueueItem) =>
    this.#act([item.id], () => api.approve(item.id), { text: t('queue.approved'), decided: true });
  claim = (item: QueueItem) =>
    this.#act([item.id], () => api.claim(item.id), { text: t('queue.claimed'), decided: false });

  /** Opens the refusal form under the item, its reason chosen and focused. */
  startReject = (item: QueueItem) => {
    this.rejecting = item.id;
    this.rejectReason = this.reasons[0]?.key ?? 'other';
    this.rejectNote = '';
    queueMicrotask(() => document.getElementById(`reject-reason-${item.id}`)?.focus());
  };

  confirmReject = (item: QueueItem) =>
    this.#act([item.id], () => api.reject(item.id, this.rejectReason, this.rejectNote.trim() || undefined), {
      text: t('queue.rejected'),
      decided: true,
    });

  /** Decides every checked item at once (refusals with the bulk reason). */
  bulk = async (action: 'approve' | 'reject') => {
    const ids = [...this.chosen];
    const text = t(action === 'approve' ? 'queue.approved' : 'queue.rejected');
    this.error = '';
    try {
      const { results } = await api.bulk(
        ids,
        action,
        action === 'reject' ? this.bulkReason || this.reasons[0]?.key : undefined,
      );
      // Each item on its own: one another moderator decided first says so, the others are done.
      for (const r of results)
        this.outcomes[r.id] = r.ok
          ? { ok: true, text, decided: true }
          : { ok: false, text: errorMessage(new ApiError(409, r.error ?? 'http.409', '')), decided: false };
      this.chosen = [];
    } catch (err) {
      this.error = errorMessage(err);
    }
    await this.load();
  };

  /**
   * The queue's keyboard: j and k move the selection, a approves, r refuses and c claims the selected item.
   * Returns whether the key was one of them.
   */
  shortcut(key: string): boolean {
    const selected = this.items[this.selected];
    const item = selected && !this.isDecided(selected) ? selected : undefined;
    if (key === 'j') this.selected = Math.min(this.items.length - 1, this.selected + 1);
    else if (key === 'k') this.selected = Math.max(0, this.selected - 1);
    else if (key === 'a' && item) void this.approve(item);
    else if (key === 'r' && item) this.startReject(item);
    else if (key === 'c' && item) void this.claim(item);
    else return false;
    return true;
  }
}

/** The post's text with the rule hits marked, built from text nodes only (no HTML from the text itself). */
export function segments(item: QueueItem): { text: string; hit: boolean }[] {
  const spans = item.hits.filter((h) => h.field === 'body' && h.end > h.start).sort((a, b) => a.start - b.start);
  const out: { text: string; hit: boolean }[] = [];
  let at = 0;
  for (const h of spans) {
    if (h.start < at) continue;
    out.push(
      { text: item.post.body.slice(at, h.start), hit: false },
      { text: item.post.body.slice(h.start, h.end), hit: true },
    );
    at = h.end;
  }
  out.push({ text: item.post.body.slice(at), hit: false });
  return out;
}
