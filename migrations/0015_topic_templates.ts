import { type Kysely, sql } from 'kysely';

/**
 * Topic templates community managers start from (issue 7): a few built in, in French and English, and their own.
 */
const BUILT_IN = [
  [
    'fr',
    'Question de la semaine',
    'question',
    'Question de la semaine : …',
    'Chaque semaine, une question pour mieux se connaître.\n\n**Cette semaine :** …\n\nRépondez en dessous, photos bienvenues !',
  ],
  [
    'fr',
    'Concours',
    'discussion',
    'Concours : …',
    '**À gagner :** …\n\n**Pour participer :** répondez à ce sujet avant le … avec …\n\n**Règlement :** un message par personne ; le gagnant est tiré au sort parmi les participations et annoncé ici.',
  ],
  [
    'fr',
    'Appel à testeurs',
    'announcement',
    'On cherche des testeurs pour …',
    'Nous préparons **…** et cherchons **N membres** pour le tester pendant … semaines.\n\n**Ce que vous recevez :** …\n**Ce que nous attendons :** un retour détaillé ici.\n\nPour candidater, répondez avec votre usage et votre pointure / taille.',
  ],
  [
    'fr',
    'Retour sur l’événement',
    'discussion',
    'Retour sur … : merci à tous !',
    'Merci à toutes celles et ceux qui sont venus à **…** !\n\n**En chiffres :** …\n**Les moments forts :** …\n\nPartagez vos photos et vos souvenirs en dessous.',
  ],
  [
    'en',
    'Question of the week',
    'question',
    'Question of the week: …',
    'Every week, a question to get to know each other.\n\n**This week:** …\n\nAnswer below, photos welcome!',
  ],
  [
    'en',
    'Contest',
    'discussion',
    'Contest: …',
    '**Prize:** …\n\n**To enter:** reply to this topic before … with …\n\n**Rules:** one post per person; the winner is drawn at random and announced here.',
  ],
  [
    'en',
    'Product test call',
    'announcement',
    'Looking for testers for …',
    'We are preparing **…** and are looking for **N members** to test it for … weeks.\n\n**What you get:** …\n**What we ask:** detailed feedback here.\n\nTo apply, reply with how you would use it and your size.',
  ],
  [
    'en',
    'Event recap',
    'discussion',
    'Recap: … — thank you all!',
    'Thanks to everyone who came to **…**!\n\n**In numbers:** …\n**Highlights:** …\n\nShare your photos and memories below.',
  ],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE topic_templates (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      locale text NOT NULL CHECK (locale IN ('fr', 'en')),
      name text NOT NULL,
      kind text NOT NULL,
      title text NOT NULL,
      body text NOT NULL,
      built_in boolean NOT NULL DEFAULT false,
      created_by integer REFERENCES members (id) ON DELETE SET NULL,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
  for (const [locale, name, kind, title, body] of BUILT_IN) {
    await sql`INSERT INTO topic_templates (locale, name, kind, title, body, built_in) VALUES (${locale}, ${name}, ${kind}, ${title}, ${body}, true)`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE topic_templates`.execute(db);
}
