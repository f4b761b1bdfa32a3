import { tick } from 'svelte';
import { api } from '../api/client.ts';
import type { Category, Hit, Post, ThreadPage } from '../api/types.ts';
import { errorHits, errorMessage, errorStatus } from '../errors.ts';
import { pageParam } from '../loading.ts';
import { paths } from '../paths.ts';
import { live, type LiveMessage } from './live.svelte.ts';
import { router } from './router.svelte.ts';
import { session } from './session.svelte.ts';

/** What a live event about a post carries (server/modules/live). */

/**
 * One thread as its page shows it: the page of posts the address asks for, kept current by the thread's live
 * topic, and what readers, authors and moderators do there. Create it while the page's component initialises:
 * it loads and follows the thread for as long as that component lives.
 */
export class ThreadState {
  readonly #id: () => number;
  data = $state<ThreadPage | null>(null);
  status = $state<'loading' | 'ready' | 'error' | 'missing'>('loading');
  /** Why loading or the last action failed. */
  error = $state('');
  /** Numbers of replies that arrived live and are not shown yet (the « new replies » bar). */
  fresh = $state<number[]>([]);
  /** Where a moderator may move the thread, read when the move menu is first opened. */
  categories = $state<Category[]>([]);

  /** The reply being written, the post it answers, and how sending it went. */
  reply = $state('');
  replyTo = $state<Post | null>(null);
  sending = $state(false);
  sendError = $state('');
  replyHits = $state<Hit[]>([]);

  readonly pageSize = $derived(session.site?.limits.pageSize ?? 20);
  readonly pageNumber = $derived(pageParam(router.param('page')));
  readonly pageCount = $derived(this.data ? Math.max(1, Math.ceil(this.data.page.total / this.pageSize)) : 1);

  /**
   * `id` is read through a function so that the state follows the page's prop; `initial` is the page the server
   * rendered (the state starts from it instead of loading it again).
   */
  constructor(id: () => number, initial?: ThreadPage) {
    this.#id = id;
    if (initial) {
      this.data = initial;
      this.status = 'ready';
    }
    let loaded = !!initial;
    $effect(() => {
      void this.id;
      void this.pageNumber;
      if (loaded) loaded = false;
      else void this.load();
    });
    // Replies by others appear by themselves when the reader is at the end of the page; otherwise the bar says
    // how many arrived. Reaction counts, edits and removals follow too.
    $effect(() => live.follow(`thread:${this.id}`, (m) => void this.#onLive(m)));
  }

  get id(): number {
    return this.#id();
  }

  /** The address of one page of the thread. */
  pageUrl(n: number): string {
    return paths.thread(this.id, { page: n });
  }

  load = async () => {
    try {
      const revalidate = this.#live;
      this.#live = false;
      const data = await api.thread(this.id, (this.pageNumber - 1) * this.pageSize, this.pageSize, revalidate);
      this.data = data;
      const shown = new Set(data.posts.map((p) => p.number));
      this.fresh = this.fresh.filter((n) => !shown.has(n));
      this.status = 'ready';
      document.title = `${data.thread.title} · ${session.site?.name ?? 'Agora'}`;
      await tick();
      if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
    } catch (err) {
      this.status = errorStatus(err) === 404 ? 'missing' : 'error';
      this.error = errorMessage(err);
    }
  };

  #live = false;
  /** A load caused by an event asks for the page as of now: the node answering may not have heard of it yet. */
  #reload() {
    this.#live = true;
    return this.load();
  }

  async #onLive(m: LiveMessage | { event: 'reset' }) {
    const data = this.data;
    if (!data) return;
    if (m.event === 'reset') return void this.#reload();
    if (
      m.event !== 'post.created' &&
      m.event !== 'post.reactions' &&
      m.event !== 'post.edited' &&
      m.event !== 'post.hidden'
    )
      return;
    const shown = data.posts.find((p) => p.id === m.data.postId);
    if (m.event === 'post.created') {
      const d = m.data;
      if (shown || d.authorId === session.me?.id || this.fresh.includes(d.number)) return;
      const here = Math.ceil(d.number / this.pageSize) === this.pageNumber && data.posts.length < this.pageSize;
      if (here && atBottom()) return void this.#reload();
      this.fresh = [...this.fresh, d.number];
    } else if (m.event === 'post.reactions' && shown) {
      shown.likeCount = m.data.likes;
      shown.helpfulCount = m.data.helpful;
    } else if (m.event === 'post.edited' && shown) {
      await this.#reload();
    } else if (m.event === 'post.hidden' && shown) {
      data.posts = data.posts.filter((p) => p.id !== m.data.postId);
    }
  }

  /** Shows the replies that arrived live: this page reloaded, or the page holding the first of them. */
  showFresh = async () => {
    const first = Math.min(...this.fresh);
    const target = Math.ceil(first / this.pageSize);
    if (target === this.pageNumber) {
      await this.load();
      await tick();
      document.getElementById(`post-${first}`)?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    } else {
      this.fresh = [];
      router.navigate(`${this.pageUrl(target)}#post-${first}`);
    }
  };

  /** Runs a moderator's or author's action on the thread; a refusal shows above the posts. */
  async #act(action: () => Promise<unknown>) {
    try {
      await action();
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  toggleLock = () =>
    this.#act(async () => {
      if (!this.data) return;
      await api.lockThread(this.id, !this.data.thread.locked);
      await this.load();
    });

  togglePin = () =>
    this.#act(async () => {
      if (!this.data) return;
      await api.pinThread(this.id, !this.data.thread.pinned);
      await this.load();
    });

  move = (categoryId: number) =>
    this.#act(async () => {
      await api.moveThread(this.id, categoryId);
      await this.load();
    });

  loadCategories = async () => {
    if (this.categories.length === 0) this.categories = (await api.categories()).categories;
  };

  /** Marks the post as the accepted answer, or withdraws it when it already is. */
  accept = (post: Post) =>
    this.#act(async () => {
      if (!this.data) return;
      const res = await api.accept(this.id, this.data.thread.acceptedPostId === post.id ? null : post.id);
      this.data.thread.acceptedPostId = res.acceptedPostId;
    });

  // What readers, authors and moderators do to one post. Refusals are thrown: the post says why, under itself.

  /** Likes the post or marks it helpful, or takes that back; the counts come from the server. */
  async react(post: Post, which: 'like' | 'helpful') {
    const on = which === 'like' ? !post.liked : !post.markedHelpful;
    const res = await api.react(post.id, which, on);
    post.likeCount = res.likeCount;
    post.helpfulCount = res.helpfulCount;
    if (which === 'like') post.liked = on;
    else post.markedHelpful = on;
  }

  /** The post's Markdown source (and the thread's title with the first post), to edit or to quote. */
  source(post: Post) {
    return api.postSource(post.id);
  }

  /** Saves an edit (the title goes with the first post only), shows it at once and reloads the page. */
  async edit(post: Post, body: string, title: string) {
    const res = await api.editPost(post.id, post.number === 1 ? { body, title } : { body });
    post.html = res.post.html;
    post.editCount += 1;
    post.editedAt = new Date().toISOString();
    void this.load();
  }

  /** Deletes the post; when that deletes the thread too, the reader goes home. */
  async remove(post: Post) {
    const res = await api.deletePost(post.id);
    if (res.threadDeleted) location.assign(paths.home());
    else void this.load();
  }

  /** Hides a published post, with a reason and a note its author will read. */
  async hide(post: Post, reason: string, note: string) {
    await api.hidePost(post.id, reason, note.trim() || undefined);
    void this.load();
  }

  /**
   * Sends the reply, then shows it: this page reloaded, or the page it landed on. A refusal keeps the text
   * (and its draft) as written, with the broken rules marked. `sent` runs once the server has the reply.
   */
  async send(sent: (post: { id: number }) => void) {
    if (!this.data || this.sending) return;
    this.sending = true;
    this.sendError = '';
    try {
      const res = await api.reply(this.id, this.reply, this.replyTo?.id);
      sent(res.post);
      this.reply = '';
      this.replyTo = null;
      const lastPage = Math.ceil(res.post.number / this.pageSize);
      if (lastPage === this.pageNumber) {
        await this.load();
        document.getElementById(`post-${res.post.number}`)?.scrollIntoView({ behavior: 'smooth' });
      } else {
        router.navigate(`${this.pageUrl(lastPage)}#post-${res.post.number}`);
      }
    } catch (err) {
      this.sendError = errorMessage(err);
      const hits = errorHits(err);
      if (hits) this.replyHits = hits;
    } finally {
      this.sending = false;
    }
  }
}

const atBottom = () => window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 240;
