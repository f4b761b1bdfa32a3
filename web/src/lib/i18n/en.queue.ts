import type { frQueue } from './fr.queue.ts';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : { zero?: string; one: string; other: string } };

/** English strings of the moderation queue's items: reports, context, rule hits, decisions. */
export const enQueue: Shape<typeof frQueue> = {
  'queue.reportsTitle': 'Reports',
  'queue.by': 'by',
  'queue.reporterRecord': {
    zero: 'first report',
    one: '{upheld} upheld of {n} settled',
    other: '{upheld} upheld of {n} settled',
  },
  'queue.reportUpheld': 'upheld',
  'queue.reportDismissed': 'dismissed',
  'queue.inReplyTo': 'In reply to post #{number} by {name}',
  'queue.threadOpener': 'The thread’s opening post, by {name}',
  'queue.hitsTitle': 'Rules that fired',
  'queue.approved': 'Approved: the post is published.',
  'queue.rejected': 'Rejected: the author has been told.',
  'queue.claimed': 'You took this item.',
  'queue.dismiss': 'Dismiss',
  'queue.decidedItem': '{title} · #{number}',
};
