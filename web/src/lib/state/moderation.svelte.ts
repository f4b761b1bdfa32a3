import { api } from '../api/client.ts';
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
  notice = $state('');
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
      this.items = queue.items;
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

  /** Runs a decision, then reloads the queue whatever happened (another moderator may have been first). */
  async #act(decide: () => Promise<unknown>) {
    this.error = '';
    this.notice = '';
    try {
      await decide();
      this.notice = t('mod.decided');
      this.rejecting = null;
      await this.load();
    } catch (err) {
      this.error = errorMessage(err);
      await this.load();
    }
  }

  approve = (item: QueueItem) => this.#act(() => api.approve(item.id));
  claim = (item: QueueItem) => this.#act(() => api.claim(item.id));

  /** Opens the refusal form under the item, its reason chosen and focused. */
  startReject = (item: QueueItem) => {
    this.rejecting = item.id;
    this.rejectReason = this.reasons[0]?.key ?? 'other';
    this.rejectNote = '';
    queueMicrotask(() => document.getElementById(`reject-reason-${item.id}`)?.focus());
  };

  confirmReject = (item: QueueItem) =>
    this.#act(() => api.reject(item.id, this.rejectReason, this.rejectNote.trim() || undefined));

  /** Decides every checked item at once (refusals with the bulk reason). */
  bulk = (action: 'approve' | 'reject') =>
    this.#act(async () => {
      await api.bulk(this.chosen, action, action === 'reject' ? this.bulkReason || this.reasons[0]?.key : undefined);
      this.chosen = [];
    });

  /**
   * The queue's keyboard: j and k move the selection, a approves, r refuses and c claims the selected item.
   * Returns whether the key was one of them.
   */
  shortcut(key: string): boolean {
    const item = this.items[this.selected];
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
