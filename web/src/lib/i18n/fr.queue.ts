/** French strings of the moderation queue's items: reports, context, rule hits, decisions. */
export const frQueue = {
  'queue.reportsTitle': 'Signalements',
  'queue.by': 'par',
  'queue.reporterRecord': {
    zero: 'premier signalement',
    one: '{upheld} confirmé sur {n} tranché',
    other: '{upheld} confirmés sur {n} tranchés',
  },
  'queue.reportUpheld': 'confirmé',
  'queue.reportDismissed': 'écarté',
  'queue.inReplyTo': 'En réponse au message n° {number} de {name}',
  'queue.threadOpener': 'Message d’ouverture du sujet, par {name}',
  'queue.hitsTitle': 'Règles déclenchées',
  'queue.approved': 'Approuvé : le message est publié.',
  'queue.rejected': 'Refusé : l’auteur a été prévenu.',
  'queue.claimed': 'Vous avez pris cet élément.',
  'queue.dismiss': 'Masquer',
  'queue.decidedItem': '{title} · n° {number}',
};
