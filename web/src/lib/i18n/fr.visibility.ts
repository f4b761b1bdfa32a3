/** French strings of who may see a category (issue 18): the console's select, the lock marker, the refusals. */
export const frVisibility = {
  'admin.category.see': 'Qui peut voir',
  'admin.category.seeHelp':
    'Les sujets d’une catégorie réservée n’apparaissent ni dans les listes, ni dans la recherche, ni dans les flux pour les autres : pour eux, elle n’existe pas.',
  'admin.category.seeParent': 'Pas plus large que la catégorie parente ({who}).',
  'admin.see.visitor': 'Tout le monde, visiteurs compris',
  'admin.see.member': 'Les membres connectés',
  'admin.see.trust_1': 'Niveau de confiance 1 et plus',
  'admin.see.trust_2': 'Niveau de confiance 2 et plus',
  'admin.see.trust_3': 'Niveau de confiance 3 et plus',
  'admin.see.trust_4': 'Niveau de confiance 4',
  'admin.see.staff': 'L’équipe seulement',
  'category.restricted': 'Catégorie réservée : {who}',
  'error.category.see_wider_than_parent':
    'Une sous-catégorie ne peut pas être visible par plus de monde que sa catégorie parente.',
  'error.category.posting_wider_than_see':
    'Qui peut lancer un sujet ou répondre ne peut pas être plus large que qui peut voir la catégorie.',
  'error.category.not_found': 'Cette catégorie n’existe pas.',
  'error.tag.not_found': 'Cette étiquette n’existe pas.',
};
