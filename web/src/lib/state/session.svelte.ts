import { api } from '../api/client.ts';
import type { Me, Site } from '../api/types.ts';
import { errorStatus } from '../errors.ts';
import { live } from './live.svelte.ts';

/** Who a page or link is for, from anyone to community managers (and admins). */
export type Access = 'visitor' | 'member' | 'staff' | 'manager' | 'admin';

/** Who is signed in, and what the community is called: loaded once at start. */
class Session {
  #me = $state<Me | null>(null);
  /** Signing in or out opens a new live socket, so that the server knows who is there. */
  get me(): Me | null {
    return this.#me;
  }
  set me(value: Me | null) {
    const changed = value?.id !== this.#me?.id;
    this.#me = value;
    if (changed && this.ready) live.restart();
  }
  site = $state<Site | null>(null);
  ready = $state(false);

  /** Who is here and the site, as the server rendered the page with them: ready at once, nothing to fetch. */
  start(site: Site | null, me: Me | null) {
    this.site = site;
    this.#me = me;
    this.ready = true;
  }

  async load() {
    const [site, me] = await Promise.allSettled([api.site(), api.me()]);
    if (site.status === 'fulfilled') {
      this.site = site.value;
      document.title = site.value.name;
    }
    if (me.status === 'fulfilled') this.me = me.value.member;
    else if (errorStatus(me.reason) !== 401) console.warn(me.reason);
    this.ready = true;
  }

  /** Ends the session here, then the provider's too when the session came from one that offers it. */
  async logout() {
    const answer = await api.logoutEverywhere().catch(() => null);
    this.me = null;
    if (answer?.endSessionUrl) window.location.assign(answer.endSessionUrl);
  }

  get isStaff() {
    return this.me !== null && this.me.role !== 'member';
  }

  get isManager() {
    return this.me?.role === 'community_manager' || this.me?.role === 'admin';
  }

  /** Whether a page meant for `access` is offered to whoever is here. */
  may(access: Access): boolean {
    if (access === 'member') return this.me !== null;
    if (access === 'staff') return this.isStaff;
    if (access === 'manager') return this.isManager;
    if (access === 'admin') return this.me?.role === 'admin';
    return true;
  }
}

export const session = new Session();
