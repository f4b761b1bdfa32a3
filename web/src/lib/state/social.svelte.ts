import { getContext, setContext } from 'svelte';
import { api } from '../api/client.ts';
import type { Ok } from '../api/types.ts';
import { live } from './live.svelte.ts';

export type ThreadSocial = Ok<'getThreadSocial'>;
export type EmojiCount = ThreadSocial['reactions'][number];
export type Poll = ThreadSocial['polls'][number];

const KEY = Symbol('social');

/**
 * A thread's emoji reactions, polls and tags, read in one request beside the (cached) thread page and kept
 * current by the thread's live topic. The thread page creates it; posts and the header read it from the context.
 */
export class SocialState {
  readonly #id: () => number;
  reactionSet = $state<string[]>([]);
  /** postId → its emoji counts, in first-use order. */
  reactions = $state<Record<number, EmojiCount[]>>({});
  /** postId → its poll. */
  polls = $state<Record<number, Poll>>({});
  tags = $state<string[]>([]);
  ready = $state(false);

  /** `initial`: what the server rendered the page with (the state starts from it instead of asking again). */
  constructor(id: () => number, initial?: ThreadSocial) {
    this.#id = id;
    if (initial) this.#apply(initial);
    let loaded = !!initial;
    $effect(() => {
      void this.id;
      if (loaded) loaded = false;
      else void this.load();
    });
    $effect(() =>
      live.follow(`thread:${this.id}`, (m) => {
        if (m.event === 'reset') void this.load();
        else if (m.event === 'post.emoji') this.#count(m.data.postId, m.data.emoji, m.data.count);
        else if (m.event === 'poll.updated') void this.refreshPoll(m.data.pollId);
      }),
    );
    setContext(KEY, this);
  }

  get id(): number {
    return this.#id();
  }

  load = async () => {
    try {
      this.#apply(await api.threadSocial(this.id));
    } catch {
      /* the thread itself reports errors; without this, posts simply show no reactions */
    }
  };

  #apply(data: ThreadSocial) {
    const grouped: Record<number, EmojiCount[]> = {};
    for (const r of data.reactions) (grouped[r.postId] ??= []).push(r);
    this.reactionSet = data.reactionSet;
    this.reactions = grouped;
    this.polls = Object.fromEntries(data.polls.map((p) => [p.postId, p]));
    this.tags = data.tags;
    this.ready = true;
  }

  /** Sets an emoji's count on a post, keeping the reader's own mark unless `mine` says otherwise. */
  #count(postId: number, emoji: string, count: number, mine?: boolean) {
    const list = this.reactions[postId] ?? [];
    const found = list.find((r) => r.emoji === emoji);
    if (found) {
      found.count = count;
      if (mine !== undefined) found.mine = mine;
    } else if (count > 0) list.push({ postId, emoji, count, mine: mine ?? false });
    this.reactions[postId] = list.filter((r) => r.count > 0);
  }

  /** Toggles the reader's reaction; the count comes from the server. Refusals are thrown. */
  async toggle(postId: number, emoji: string) {
    const on = !this.reactions[postId]?.find((r) => r.emoji === emoji)?.mine;
    const res = await api.reactEmoji(postId, emoji, on);
    this.#count(postId, emoji, res.count, res.mine);
  }

  async refreshPoll(pollId: number) {
    const current = Object.values(this.polls).find((p) => p.id === pollId);
    if (!current) return void this.load();
    this.polls[current.postId] = await api.poll(pollId);
  }

  setPoll(poll: Poll) {
    this.polls[poll.postId] = poll;
  }
}

/** The thread's social state, when the page has one (a post shown elsewhere has none). */
export function socialOf(): SocialState | undefined {
  return getContext<SocialState | undefined>(KEY);
}
