import { api } from '../api/client.ts';
import { live } from './live.svelte.ts';
import { session } from './session.svelte.ts';

/** The bell's unread count: read once, then kept current by the member's live topic. */
class Unread {
  count = $state(0);
  private stop: (() => void) | null = null;
  private member: number | null = null;

  /** Called by the header whenever who is signed in may have changed. */
  track() {
    const id = session.me?.id ?? null;
    if (id === this.member) return;
    this.member = id;
    this.stop?.();
    this.stop = null;
    this.count = 0;
    if (id === null) return;
    void this.refresh();
    this.stop = live.follow('me', (m) => {
      if (m.event === 'notification' || m.event === 'reset') void this.refresh();
    });
  }

  async refresh() {
    try {
      this.count = (await api.unread()).unread;
    } catch {
      // The bell keeps its last count; the next event or page load corrects it.
    }
  }
}

export const unread = new Unread();
