import { api } from '../../api/client.ts';
import type { Body } from '../../api/types.ts';

/** A poll being written in a composer, before its post exists. */
export interface PollDraft {
  question: string;
  options: string[];
  multiple: boolean;
  results: 'always' | 'voted' | 'closed';
  /** A datetime-local value (the member's local time), or ''. */
  closesAt: string;
}

export const emptyPoll = (): PollDraft => ({
  question: '',
  options: ['', ''],
  multiple: false,
  results: 'always',
  closesAt: '',
});

/** Why the draft cannot be sent yet (a message key), or null when it can. */
export function pollProblem(draft: PollDraft): 'poll.question' | 'poll.addOption' | null {
  if (!draft.question.trim()) return 'poll.question';
  const options = draft.options.map((o) => o.trim().toLocaleLowerCase()).filter(Boolean);
  if (options.length < 2 || new Set(options).size !== options.length) return 'poll.addOption';
  return null;
}

/** Attaches the draft to the post just published; answers the poll as the server made it. */
export function attachPoll(postId: number, draft: PollDraft) {
  const body: Body<'createPoll'> = {
    question: draft.question.trim(),
    options: draft.options.map((o) => o.trim()).filter(Boolean),
    multiple: draft.multiple,
    results: draft.results,
    ...(draft.closesAt ? { closesAt: new Date(draft.closesAt).toISOString() } : {}),
  };
  return api.createPoll(postId, body);
}
