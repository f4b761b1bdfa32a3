import type { ThreadKind } from '../db/types.ts';

/**
 * The demo community: Cime, a (fictional) French outdoor-gear brand. Written by hand so that a newcomer
 * sees a believable forum, in French, with every kind of thread.
 */
export const COMMUNITY = {
  name: 'Communauté Cime',
  tagline: 'Randonnée, bivouac et bons plans : la communauté des passionnés Cime',
};

export const CATEGORIES = [
  {
    slug: 'annonces',
    name: 'Annonces',
    description: "Les nouvelles de l'équipe Cime.",
    color: '#d9480f',
    startLevel: 'staff',
    kinds: ['announcement'],
  },
  {
    slug: 'randonnee',
    name: 'Randonnée & trek',
    description: 'Chaussures, sacs, itinéraires et retours de sortie.',
    color: '#2b8a3e',
  },
  {
    slug: 'bivouac',
    name: 'Camping & bivouac',
    description: 'Tentes, duvets, réchauds : dormir dehors sereinement.',
    color: '#1971c2',
  },
  {
    slug: 'entretien',
    name: 'Entretien & réparation',
    description: 'Faire durer son matériel : astuces et tutoriels.',
    color: '#9c36b5',
  },
  {
    slug: 'sav',
    name: 'Questions & SAV',
    description: 'Une question sur un produit, une commande, une garantie ?',
    color: '#e67700',
  },
  {
    slug: 'idees',
    name: 'Idées pour Cime',
    description: 'Proposez, votez : les produits de demain.',
    color: '#0c8599',
    kinds: ['idea'],
  },
  {
    slug: 'cafe',
    name: 'Le café des membres',
    description: 'Présentations, photos, discussions libres.',
    color: '#5c7cfa',
  },
] as const;

export const MEMBERS = [
  {
    username: 'camille_rando',
    displayName: 'Camille R.',
    bio: 'GR20 en 2023, GR10 en cours. Toujours un thermos dans le sac.',
  },
  { username: 'julien.trail', displayName: 'Julien', bio: 'Trail et fast-hiking dans les Vosges.' },
  { username: 'sophie-bivouac', displayName: 'Sophie', bio: 'Bivouac toute l’année, même en hiver.' },
  { username: 'marc_alpin', displayName: 'Marc A.', bio: 'Accompagnateur en montagne à Chamonix.' },
  { username: 'lea.grimpe', displayName: 'Léa', bio: 'Escalade, via ferrata et randos en famille.' },
  { username: 'thomas_b', displayName: 'Thomas B.', bio: '' },
  { username: 'nadia.outdoor', displayName: 'Nadia', bio: 'Photographe de paysages, je marche pour la lumière.' },
  { username: 'hugo_vtt', displayName: 'Hugo', bio: 'VTT et bikepacking.' },
  { username: 'chloe.m', displayName: 'Chloé M.', bio: 'Débutante motivée !' },
  { username: 'yann_breizh', displayName: 'Yann', bio: 'Sentier des douaniers, par tous les temps.' },
  { username: 'ines.sac-a-dos', displayName: 'Inès', bio: 'Tour du monde en sac à dos, retour en France depuis peu.' },
  { username: 'pierre.l', displayName: 'Pierre L.', bio: '' },
] as const;

export const STAFF = [
  {
    username: 'equipe_cime',
    displayName: 'Équipe Cime',
    role: 'community_manager' as const,
    bio: 'Le compte officiel de la marque.',
  },
  {
    username: 'claire_modo',
    displayName: 'Claire (modération)',
    role: 'moderator' as const,
    bio: 'Modératrice bénévole.',
  },
];

type Seed = { category: string; title: string; body: string };

export const THREADS: Record<ThreadKind, Seed[]> = {
  announcement: [
    {
      category: 'annonces',
      title: 'Bienvenue dans la communauté Cime !',
      body: 'Bonjour à toutes et à tous,\n\nCet espace est le vôtre : posez vos questions, partagez vos **astuces** et vos **idées**. Merci de lire la *netiquette* avant de publier : bienveillance, pas de données personnelles, pas de publicité.\n\nBonne rando !',
    },
    {
      category: 'annonces',
      title: 'Nouvelle collection printemps : les chaussures Crête 2 arrivent',
      body: 'La Crête 2 remplace la Crête : semelle plus accrocheuse, membrane respirante, 40 g de moins par pied. Disponible en boutique dès le 15 mars.',
    },
    {
      category: 'annonces',
      title: 'Programme de test produit : 20 testeurs recherchés',
      body: 'Nous cherchons **20 testeurs** pour notre nouvelle tente ultralégère. Conditions :\n\n- au moins 10 nuits de bivouac par an ;\n- un compte rendu détaillé ici même.\n\nCandidatures en réponse à ce fil.',
    },
    {
      category: 'annonces',
      title: 'Maintenance du site dimanche matin',
      body: 'Le forum sera indisponible dimanche entre 7 h et 8 h pour une mise à jour. Merci de votre patience.',
    },
    {
      category: 'annonces',
      title: 'Résultats du concours photo « Lumières de montagne »',
      body: 'Merci pour vos 230 participations ! Bravo à @nadia.outdoor, lauréate avec son lever de soleil sur le lac Blanc.',
    },
    {
      category: 'annonces',
      title: 'Garantie étendue à 3 ans sur les sacs à dos',
      body: 'Tous les sacs achetés depuis le 1er janvier bénéficient désormais d’une garantie de 3 ans. Détails dans le fil SAV.',
    },
    {
      category: 'annonces',
      title: 'Rencontre communauté à Annecy le 14 juin',
      body: 'Rendez-vous au départ du Semnoz à 9 h pour une boucle de 12 km, puis pique-nique offert. Inscription en réponse.',
    },
    {
      category: 'annonces',
      title: 'Mise à jour de la netiquette',
      body: 'Nous avons précisé les règles sur les liens commerciaux et les annonces de revente. Bonne lecture !',
    },
    {
      category: 'annonces',
      title: 'Atelier réparation gratuit en boutique',
      body: 'Chaque premier samedi du mois, nos techniciens réparent gratuitement fermetures éclair, boucles et coutures.',
    },
    {
      category: 'annonces',
      title: 'Cime s’engage : 1 % pour les sentiers',
      body: '1 % de nos ventes finance désormais l’entretien des sentiers de grande randonnée avec des associations locales.',
    },
    {
      category: 'annonces',
      title: 'Nouveaux badges pour les membres les plus utiles',
      body: 'Vos réponses aident des centaines de randonneurs : de nouveaux badges récompenseront les astuces les plus utiles.',
    },
    {
      category: 'annonces',
      title: 'Soldes d’été : ce qu’il faut savoir',
      body: 'Les soldes commencent le 26 juin. Les produits en test communautaire seront aussi concernés.',
    },
  ],
  question: [
    {
      category: 'randonnee',
      title: 'Quelle pointure choisir pour les Crête 2 ?',
      body: 'Je chausse du 42 en ville. Pour la randonnée, faut-il prendre une demi-pointure au-dessus ? Je marche souvent avec des chaussettes épaisses.',
    },
    {
      category: 'bivouac',
      title: 'Duvet confort 5 °C suffisant pour le Vercors en septembre ?',
      body: 'Je prévois deux nuits vers 1 500 m mi-septembre. Mon duvet a une température confort de 5 °C. Est-ce raisonnable avec un matelas R 3 ?',
    },
    {
      category: 'sav',
      title: 'Ma commande est bloquée « en préparation » depuis 5 jours',
      body: 'Commande passée lundi dernier, toujours en préparation. Est-ce normal en ce moment ?',
    },
    {
      category: 'randonnee',
      title: 'Bâtons de marche : carbone ou aluminium ?',
      body: 'Je cherche des bâtons pour des randos de 15 à 25 km. Le carbone vaut-il vraiment le surcoût ?',
    },
    {
      category: 'bivouac',
      title: 'Comment éviter la condensation dans une tente simple paroi ?',
      body: "Chaque matin, l'intérieur de ma tente ruisselle. J'ouvre pourtant les aérations. Des conseils ?",
    },
    {
      category: 'entretien',
      title: 'Peut-on laver une veste imperméable en machine ?',
      body: 'Ma veste Orage commence à sentir le fauve. Machine ou pas ? Quelle lessive ?',
    },
    {
      category: 'sav',
      title: 'Fermeture éclair cassée sur un sac de 2 ans : garantie ?',
      body: 'La fermeture principale de mon sac a lâché. Il a deux ans. Est-ce couvert ?',
    },
    {
      category: 'randonnee',
      title: 'Quel volume de sac pour un trek de 5 jours en refuge ?',
      body: 'Je dors en refuge, donc pas de tente ni de réchaud. 30 L suffisent-ils ?',
    },
    {
      category: 'bivouac',
      title: 'Réchaud à gaz ou à alcool pour un trek en Islande ?',
      body: 'Je pars trois semaines sur le Laugavegur. Trouve-t-on facilement des cartouches de gaz là-bas ?',
    },
    {
      category: 'randonnee',
      title: 'Des ampoules à chaque sortie malgré des chaussures rodées',
      body: 'Toujours au talon, après 10 km. Chaussettes en laine mérinos. Que faire ?',
    },
    {
      category: 'sav',
      title: 'Échanger un article acheté en boutique sur le site ?',
      body: "J'ai acheté une polaire en boutique à Lyon, elle est trop grande. Puis-je l'échanger en ligne ?",
    },
    {
      category: 'cafe',
      title: 'Premier bivouac en solo : vos conseils ?',
      body: 'Je me lance le mois prochain, un peu d’appréhension. Vos conseils pour une première nuit seule en montagne ?',
    },
  ],
  tip: [
    {
      category: 'entretien',
      title: 'Réimperméabiliser sa veste en 15 minutes',
      body: "1. Lavez la veste avec une lessive technique.\n2. Vaporisez le produit déperlant sur la veste encore humide.\n3. Séchez **au sèche-linge à basse température** : la chaleur réactive le traitement.\n\nRésultat : l'eau perle comme au premier jour.",
    },
    {
      category: 'randonnee',
      title: 'Le laçage qui évite les ongles noirs en descente',
      body: "Faites un **nœud de blocage** au niveau du cou-de-pied avant de lacer le haut : le pied ne glisse plus vers l'avant dans les descentes.",
    },
    {
      category: 'bivouac',
      title: 'Une bouillotte avec sa gourde pour les nuits froides',
      body: "Remplissez une gourde en aluminium d'eau chaude avant de vous coucher et glissez-la dans le duvet, au niveau des cuisses. Vérifiez bien le bouchon !",
    },
    {
      category: 'entretien',
      title: 'Redonner du gonflant à un duvet en plumes',
      body: 'Lavage à 30 °C, lessive spéciale duvet, puis sèche-linge avec **trois balles de tennis** propres. Comptez deux à trois cycles.',
    },
    {
      category: 'randonnee',
      title: 'Préparer son itinéraire hors ligne',
      body: 'Téléchargez les fonds de carte avant de partir et activez le mode avion : la batterie tient trois fois plus longtemps.',
    },
    {
      category: 'bivouac',
      title: 'Choisir son emplacement de bivouac en cinq points',
      body: "- sol plat, sans cuvette où l'eau stagne ;\n- à l'abri du vent dominant ;\n- loin des arbres morts ;\n- à distance des points d'eau ;\n- arrivée tard, départ tôt.",
    },
    {
      category: 'entretien',
      title: 'Réparer une déchirure de tente avec un patch',
      body: 'Nettoyez à l’alcool, arrondissez les coins du patch et appliquez-le des deux côtés de la toile. Tient des années.',
    },
    {
      category: 'randonnee',
      title: 'Organiser son sac : le lourd près du dos',
      body: 'Les charges lourdes au centre, contre le dos, à hauteur des omoplates. Le sac ne tire plus en arrière et vos épaules vous remercient.',
    },
    {
      category: 'bivouac',
      title: 'Faire sécher sa tente le matin sans perdre de temps',
      body: 'Retournez la tente sur le côté pendant le petit-déjeuner : le soleil sèche le double toit en vingt minutes.',
    },
    {
      category: 'entretien',
      title: 'Nourrir le cuir de ses chaussures deux fois par an',
      body: 'Brossez, laissez sécher loin d’une source de chaleur, puis appliquez une cire spéciale cuir. Jamais de graisse sur une membrane respirante !',
    },
    {
      category: 'randonnee',
      title: 'Boire avant d’avoir soif : la règle des 20 minutes',
      body: 'Quelques gorgées toutes les 20 minutes plutôt qu’un litre d’un coup à la pause. Une pipette aide beaucoup.',
    },
    {
      category: 'cafe',
      title: 'Mes cinq applis indispensables en randonnée',
      body: 'Cartographie hors ligne, météo montagne, secours (numéro 112), identification des plantes et un carnet de sorties.',
    },
  ],
  idea: [
    {
      category: 'idees',
      title: 'Un programme de reprise des anciens équipements',
      body: 'Rapporter ses vieux sacs et vestes en boutique contre un bon d’achat, pour qu’ils soient réparés et revendus.',
    },
    {
      category: 'idees',
      title: 'Des pointures en demi-tailles pour les chaussures',
      body: 'Entre le 41 et le 42, mon cœur balance. Des demi-pointures seraient un vrai plus.',
    },
    {
      category: 'idees',
      title: 'Une version femme du sac Alpage 40',
      body: 'Bretelles plus étroites, dos plus court : beaucoup de randonneuses le demandent.',
    },
    {
      category: 'idees',
      title: 'Des kits de réparation vendus avec chaque tente',
      body: 'Un petit kit (patchs, arceau de secours, cordelette) directement dans la housse.',
    },
    {
      category: 'idees',
      title: 'Une carte des sentiers entretenus grâce au 1 %',
      body: 'Voir concrètement où va l’argent : une carte interactive des sentiers financés.',
    },
    {
      category: 'idees',
      title: 'Location de matériel pour tester avant d’acheter',
      body: 'Louer une tente pour un week-end, et déduire la location du prix en cas d’achat.',
    },
    {
      category: 'idees',
      title: 'Des coloris plus visibles pour la sécurité',
      body: 'Les vestes sombres sont élégantes, mais un orange vif se voit de loin en cas de secours.',
    },
    {
      category: 'idees',
      title: 'Un mode « sans plastique » pour les livraisons',
      body: 'Carton recyclé et papier kraft plutôt que des sachets plastiques.',
    },
    {
      category: 'idees',
      title: 'Des sorties communautaires encadrées chaque mois',
      body: 'Une sortie par mois et par région, encadrée par un accompagnateur partenaire.',
    },
    {
      category: 'idees',
      title: 'Un guide des tailles avec les retours de la communauté',
      body: 'Chaque modèle avec l’avis des membres : « taille petit », « taille grand ».',
    },
    {
      category: 'idees',
      title: 'Des pièces détachées vendues à l’unité',
      body: 'Boucles, sangles, curseurs de fermeture : pouvoir réparer soi-même.',
    },
    {
      category: 'idees',
      title: 'Une gourde filtrante légère dans la gamme',
      body: 'Pour les treks où les points d’eau sont douteux.',
    },
  ],
  discussion: [
    {
      category: 'cafe',
      title: 'Présentez-vous ici !',
      body: 'Qui êtes-vous, où randonnez-vous, quel est votre plus beau souvenir en montagne ?',
    },
    {
      category: 'randonnee',
      title: 'Votre plus belle randonnée de l’année ?',
      body: 'Pour moi, le tour du Queyras en août. Et vous ?',
    },
    {
      category: 'bivouac',
      title: 'Hamac ou tente : le grand débat',
      body: 'Je suis passé au hamac cet été et je ne reviendrai pas en arrière. Qui est dans l’autre camp ?',
    },
    {
      category: 'randonnee',
      title: 'Retour d’expérience : le GR20 en 12 jours',
      body: "Sac de 11 kg, dix nuits en refuge, deux en bivouac. Le plus dur : l'étape du cirque de la Solitude. Je réponds à vos questions !",
    },
    {
      category: 'cafe',
      title: 'Vos photos de l’automne',
      body: 'Les couleurs sont magnifiques en ce moment : partagez vos plus belles images.',
    },
    {
      category: 'entretien',
      title: 'Réparer plutôt que racheter : vos réussites',
      body: 'J’ai ressemelé mes chaussures de 8 ans, elles repartent pour un tour. Racontez vos réparations !',
    },
    {
      category: 'bivouac',
      title: 'Cuisiner en bivouac : vos recettes',
      body: 'Semoule, fruits secs et épices : mon classique. Partagez vos meilleures recettes légères.',
    },
    {
      category: 'randonnee',
      title: 'Randonner avec son chien : retours ?',
      body: 'Je voudrais emmener mon border collie en itinérance. Équipement, règles des parcs… vos expériences ?',
    },
    {
      category: 'cafe',
      title: 'Les livres de montagne qui vous ont marqués',
      body: 'Premier de cordée, Annapurna premier 8000… Quelles lectures vous ont donné envie de partir ?',
    },
    {
      category: 'randonnee',
      title: 'Randonnée et canicule : comment vous adaptez-vous ?',
      body: 'Départs à l’aube, siestes à l’ombre, itinéraires en forêt… vos stratégies ?',
    },
    {
      category: 'bivouac',
      title: 'Bivouac et réglementation dans les parcs nationaux',
      body: 'Les règles changent selon les parcs : faisons une liste claire ensemble.',
    },
    {
      category: 'cafe',
      title: 'Le matériel que vous ne quittez jamais',
      body: 'Mon couteau suisse de 15 ans. Et vous, quel objet vous suit partout ?',
    },
  ],
};

export const REPLIES: Record<ThreadKind, string[]> = {
  announcement: [
    'Super nouvelle, merci à l’équipe !',
    'Bravo, hâte de voir ça en boutique.',
    'Merci pour l’information 👍',
    'Est-ce que cela concerne aussi les achats en ligne ?',
    'Excellente initiative, je me suis inscrite.',
  ],
  question: [
    'Je te conseille une demi-pointure de plus : en descente, le pied gonfle et avance.',
    'Avec un matelas R 3, ça passe, mais prends une doudoune pour la nuit : il peut geler en septembre à cette altitude.',
    'Même souci la semaine dernière, le SAV m’a répondu en 24 h par le formulaire de contact.',
    "J'ai les deux : le carbone est plus léger mais plus fragile en cas de chute sur les rochers.",
    'Aère au maximum et évite de cuisiner dans l’abside : la vapeur reste piégée.',
    'Oui, en machine à 30 °C avec une lessive technique, jamais d’adoucissant.',
    'La garantie couvre les fermetures pendant 3 ans, garde bien ta facture.',
    '30 L suffisent largement en refuge si tu restes raisonnable sur les vêtements.',
    'On trouve des cartouches à Reykjavik sans problème, et souvent dans les refuges.',
    'Essaie un pansement seconde peau dès la première sensation d’échauffement.',
    "Oui, l'échange est possible en ligne avec le ticket de caisse.",
    'Dis toujours à quelqu’un où tu vas et à quelle heure tu rentres : c’est la base.',
  ],
  tip: [
    'Merci, testé ce week-end, ça marche très bien !',
    'Excellente astuce, je ne connaissais pas.',
    "J'ajouterais : toujours vérifier l'étiquette d'entretien avant.",
    'Je fais pareil depuis des années, rien à redire.',
    'Top, je mets ça en favori.',
  ],
  idea: [
    '+1, ce serait génial !',
    'Je signe tout de suite.',
    'Bonne idée, mais attention au coût pour la marque.',
    'Oui ! J’attends ça depuis longtemps.',
    'Ça me ferait revenir en boutique, clairement.',
  ],
  discussion: [
    'Merci pour ce retour très complet !',
    'Entièrement d’accord avec toi.',
    'Magnifique, ça donne envie de repartir.',
    'J’ai appris plein de choses en lisant ce fil.',
    'Même expérience de mon côté, je confirme.',
    'Très bonne question, je suis le fil avec intérêt.',
    'Merci à tous pour vos réponses, c’est une vraie mine d’or.',
  ],
};
