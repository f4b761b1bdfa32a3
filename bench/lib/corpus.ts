/**
 * Realistic-looking community text for the large-community generator: French and English sentences about
 * outdoor gear, orders and repairs, built from word banks with a skewed (Zipf-like) choice, so that common
 * words are very common and the long tail (model references, place names) is long — as in a real forum.
 * Deterministic: the same seed gives the same community.
 */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FR = {
  subjects: [
    'ma chaussure',
    'la semelle',
    'mon sac à dos',
    'la tente',
    'le duvet',
    'la veste imperméable',
    'le réchaud',
    'la doudoune',
    'le matelas',
    'la frontale',
    'les bâtons',
    'la gourde',
    'le pantalon',
    'les guêtres',
    'la membrane',
    'la fermeture éclair',
    'le tapis de sol',
    'la polaire',
    'les lacets',
    'le crampon',
    'la housse',
    'la boucle',
    'la bretelle',
    'le filtre à eau',
    'la popote',
    'le sur-sac',
    'la cape de pluie',
    'le bonnet',
    'les chaussettes',
    'la casquette',
  ],
  verbs: [
    'prend l’eau',
    'a lâché',
    'tient bien',
    'frotte au talon',
    'se déchire',
    'sèche vite',
    'pèse trop lourd',
    'taille petit',
    'taille grand',
    'respire mal',
    'a décollé',
    'grince',
    'garde bien la chaleur',
    'glisse sur le rocher',
    'a résisté à l’orage',
    'se replie facilement',
    'a tenu trois saisons',
    'craque au froid',
    'sent mauvais après la sortie',
    'protège du vent',
  ],
  contexts: [
    'après deux jours de pluie',
    'sur le GR20',
    'en bivouac à 2 000 mètres',
    'pendant l’été',
    'en hiver',
    'dans les Vosges',
    'au Mercantour',
    'sur le sentier des douaniers',
    'en Écosse',
    'lors d’un trek au Népal',
    'sur la traversée des Pyrénées',
    'sous la neige',
    'par 30 degrés',
    'à la première sortie',
    'après un lavage',
    'dans le Vercors',
    'en Corse',
    'sur les sentiers du Jura',
    'au bord du lac',
    'avec un sac de 15 kilos',
  ],
  questions: [
    'Quelqu’un a-t-il le même souci ?',
    'Est-ce couvert par la garantie ?',
    'Quelle taille prendre ?',
    'Vous conseillez quoi pour l’entretien ?',
    'Le SAV peut-il le réparer ?',
    'Ça vaut le prix ?',
    'Comment imperméabiliser le cuir ?',
    'Des retours sur la durabilité ?',
    'Où trouver des pièces détachées ?',
    'Quel modèle pour débuter ?',
  ],
  tips: [
    'Astuce : nourrir le cuir une fois par saison avec une cire naturelle.',
    'Pensez à sécher loin du radiateur.',
    'Un peu de savon de Marseille suffit pour le nettoyage.',
    'Réimperméabilisez au spray après chaque lavage.',
    'Gardez le duvet non compressé entre deux sorties.',
    'Testez la tente dans le jardin avant le départ.',
    'Changez les lacets avant qu’ils ne cassent.',
    'Mettez les piles de la frontale à l’envers pour le transport.',
  ],
  fillers: [
    'Merci pour vos retours !',
    'Bonne rando à tous.',
    'Je précise que je marche beaucoup.',
    'Commande passée le mois dernier.',
    'Pointure 42, pied plutôt large.',
    'Photos à venir.',
    'Le service client a été très réactif.',
    'Livraison rapide, emballage correct.',
    'Je reviendrai donner des nouvelles.',
    'Au plaisir de vous lire.',
  ],
};

const EN = {
  subjects: [
    'my boots',
    'the sole',
    'my backpack',
    'the tent',
    'the sleeping bag',
    'the rain jacket',
    'the stove',
    'the down jacket',
    'the sleeping pad',
    'the headlamp',
    'the trekking poles',
    'the water bottle',
    'the zipper',
    'the gaiters',
    'the hip belt',
    'the fleece',
  ],
  verbs: [
    'leaks',
    'broke',
    'holds up well',
    'rubs at the heel',
    'tore',
    'dries quickly',
    'is too heavy',
    'runs small',
    'runs large',
    'kept me warm',
    'slips on wet rock',
    'survived the storm',
    'packs down small',
    'lasted three seasons',
  ],
  contexts: [
    'after two days of rain',
    'on the West Highland Way',
    'camping at 2,000 metres',
    'in summer',
    'in winter',
    'in the Lake District',
    'on the Pacific Crest Trail',
    'in the snow',
    'on my first trip',
    'after washing it',
    'with a heavy pack',
  ],
  questions: [
    'Anyone else had this issue?',
    'Is it covered by the warranty?',
    'What size should I get?',
    'How do you waterproof leather?',
    'Can customer service repair it?',
    'Worth the price?',
    'Any feedback on durability?',
  ],
  fillers: [
    'Thanks for your help!',
    'Happy hiking.',
    'Ordered last month.',
    'Size 9, wide feet.',
    'Pictures to follow.',
    'Support was very responsive.',
    'Will report back.',
  ],
};

const MODELS = [
  'Alto',
  'Brava',
  'Cirrus',
  'Dolomia',
  'Everest',
  'Forclaz',
  'Galibier',
  'Hauteroute',
  'Isard',
  'Jorasses',
  'Karst',
  'Lauze',
  'Meije',
  'Névé',
  'Orient',
  'Pelvoux',
];

/** Skewed choice: low indexes far more often than high ones. */
const pick = <T>(rand: () => number, list: readonly T[], skew = 2): T =>
  list[Math.floor(list.length * rand() ** skew)]!;

function model(rand: () => number): string {
  // The long tail: thousands of distinct references, each rare.
  return `${pick(rand, MODELS, 1.5)} ${10 + Math.floor(rand() * 60)}${rand() < 0.3 ? ` réf. ${String.fromCharCode(65 + Math.floor(rand() * 26))}${Math.floor(rand() * 9000 + 1000)}` : ''}`;
}

export function frenchPost(rand: () => number): string {
  const parts: string[] = [];
  const sentences = 2 + Math.floor(rand() * 5);
  for (let i = 0; i < sentences; i++) {
    const r = rand();
    if (r < 0.5)
      parts.push(`${cap(pick(rand, FR.subjects))} ${model(rand)} ${pick(rand, FR.verbs)} ${pick(rand, FR.contexts)}.`);
    else if (r < 0.65) parts.push(pick(rand, FR.questions));
    else if (r < 0.8) parts.push(pick(rand, FR.tips, 1.2));
    else parts.push(pick(rand, FR.fillers, 1.2));
  }
  return parts.join(' ');
}

export function englishPost(rand: () => number): string {
  const parts: string[] = [];
  const sentences = 2 + Math.floor(rand() * 4);
  for (let i = 0; i < sentences; i++) {
    const r = rand();
    if (r < 0.55)
      parts.push(
        `${cap(pick(rand, EN.subjects))} (${model(rand)}) ${pick(rand, EN.verbs)} ${pick(rand, EN.contexts)}.`,
      );
    else if (r < 0.75) parts.push(pick(rand, EN.questions));
    else parts.push(pick(rand, EN.fillers, 1.2));
  }
  return parts.join(' ');
}

export function title(rand: () => number, french: boolean): string {
  if (french) {
    const r = rand();
    if (r < 0.4) return `${cap(pick(rand, FR.subjects))} ${model(rand)} ${pick(rand, FR.verbs)}`;
    if (r < 0.7) return `${pick(rand, FR.questions).replace(/ \?$/, '')} (${model(rand)}) ?`;
    return `${cap(pick(rand, FR.subjects))} ${pick(rand, FR.contexts)}`;
  }
  return `${cap(pick(rand, EN.subjects))} ${model(rand)} ${pick(rand, EN.verbs)}`;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Queries people type, from the same banks: common words, rare references, two words, and prefixes. */
export const QUERIES = {
  common: ['chaussure', 'garantie', 'tente', 'pluie', 'boots', 'duvet'],
  models: ['Jorasses 42', 'Pelvoux', 'Névé 61', 'Karst 13'],
  rare: ['K4821', 'réf. B2750', 'Q7311'],
  twoWords: ['semelle décollée', 'veste imperméable', 'sleeping bag', 'fermeture éclair', 'entretien cuir'],
  prefix: ['chauss', 'imperm', 'gourd', 'zipp'],
  accents: ['ete', 'impermeable', 'l’entretien', 'reparer'],
};
