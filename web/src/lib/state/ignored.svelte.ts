import { api } from '../api/client.ts';
import { session } from './session.svelte.ts';

type Ignored = { id: number; username: string; displayName: string; since: string };

/**
 * The members the signed-in member ignores: read once per member (when a page first asks), then kept by the
 * ignore buttons. Threads collapse these members' posts; the server already keeps their notifications away.
 */
class IgnoredMembers {
  list = $state<Ignored[]>([]);
  private member: number | null = null;

  /** Reads the list when who is signed in changed (a page calls it from an effect). */
  track() {
    const id = session.me?.id ?? null;
    if (id === this.member) return;
    this.member = id;
    this.list = [];
    if (id !== null)
      void api.ignored().then(
        (answer) => (this.list = answer.ignored),
        () => undefined,
      );
  }

  has(memberId: number): boolean {
    return this.list.some((m) => m.id === memberId);
  }

  async set(username: string, on: boolean) {
    this.list = (await api.ignore(username, on)).ignored;
  }
}

export const ignored = new IgnoredMembers();
