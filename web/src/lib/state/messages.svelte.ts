import { api } from '../api/client.ts';
import type { Ok } from '../api/types.ts';

type Sent = Ok<'startConversation'>;

/** The header's unread private messages, and what the netiquette said of a conversation just started. */
class MessagesState {
  unread = $state(0);
  /** Handed from the new-message page to the conversation it opens (a notice about personal data, a held message). */
  justSent: Sent | null = null;

  async refresh() {
    try {
      this.unread = (await api.unreadMessages()).unread;
    } catch {
      // The count stays as it was; the next page or event corrects it.
    }
  }

  /** The outcome of starting this conversation, once. */
  take(conversationId: number): Sent['message'] | null {
    const sent = this.justSent?.conversationId === conversationId ? this.justSent.message : null;
    this.justSent = null;
    return sent;
  }
}

export const messages = new MessagesState();
