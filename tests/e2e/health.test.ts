import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Member } from '../../server/db/types.ts';
import { createCategory, createMember, createReply, createThread } from '../factories/index.ts';
import { shot, signIn, startSite, type Site } from './browser.ts';

let site: Site;
let manager: Member;
beforeAll(async () => {
  site = await startSite();
  await site.db
    .updateTable('netiquette_rules')
    .set({ enabled: false })
    .where('key', 'in', ['flood', 'duplicate'])
    .execute();
  const category = await createCategory(site.db, { slug: 'rando', name: 'Randonnée' });
  manager = await createMember(site.db, { username: 'equipe_marque', role: 'community_manager' });
  const members = await Promise.all(
    ['lea_rando', 'hugo_trail', 'nina_bivouac'].map((username) => createMember(site.db, { username, trustLevel: 2 })),
  );
  // Three weeks of activity, more each week, and a hot thread today.
  for (let day = 20; day >= 0; day--) {
    const author = members[day % 3]!;
    const { thread, post } = await createThread(site.db, author, category.id, {
      title: `Sortie du jour ${day}`,
      kind: day % 2 ? 'question' : 'discussion',
    });
    const replies = [];
    for (let r = 0; r < 3 - Math.floor(day / 7); r++)
      replies.push(await createReply(site.db, members[(day + r + 1) % 3]!, thread.id, `Réponse ${r} au jour ${day}.`));
    const ago = sql`now() - make_interval(days => ${day})`;
    await site.db
      .updateTable('threads')
      .set({ created_at: ago } as never)
      .where('id', '=', thread.id)
      .execute();
    await site.db
      .updateTable('posts')
      .set({ created_at: ago } as never)
      .where('id', 'in', [post.id, ...replies.map((p) => p.id)])
      .execute();
    await site.db
      .insertInto('rule_hits')
      .values({ rule_key: 'insults', post_id: post.id, action: 'flag', created_at: ago } as never)
      .execute();
    if (day === 0)
      for (let i = 0; i < 9; i++)
        await site.db
          .insertInto('rule_hits')
          .values({ rule_key: 'insults', post_id: post.id, action: 'flag' })
          .execute();
  }
  // And an update that angers people today: five complaints, scored negative as they are published.
  const { thread: update } = await createThread(site.db, members[0]!, category.id, {
    title: 'La nouvelle appli de suivi',
    body: 'Elle est sortie ce matin.',
  });
  for (const [i, text] of [
    'Très déçue, l’appli est inutilisable depuis ce matin.',
    'C’est nul, plus rien ne se synchronise. Inacceptable.',
    'Horrible, j’ai perdu mes traces GPS.',
    'J’en ai marre, plus jamais de mise à jour automatique.',
    'This update is terrible, totally disappointed.',
  ].entries())
    await createReply(site.db, members[(i + 1) % 3]!, update.id, text);
});
afterAll(() => site?.close());

describe('the health dashboard', () => {
  it('shows the figures, the charts and the bad-buzz alert to a community manager', async () => {
    const context = await site.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 1000 } });
    await signIn(context, site, manager);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(`${site.url}/health`);
    await page.getByRole('heading', { name: 'Santé de la communauté' }).waitFor();
    await page.getByRole('alert').getByText('Alerte : ça chauffe').waitFor();
    await page.getByRole('img', { name: 'Activité par jour' }).locator('canvas').waitFor();
    // The alert says what the signs are, and that the thread is rising.
    const alert = page.getByRole('alert');
    await alert.getByRole('link', { name: 'La nouvelle appli de suivi' }).waitFor();
    await alert.getByText('5 messages négatifs').first().waitFor();
    await alert.getByText('rien les deux jours d’avant').first().waitFor();
    await page.getByText('Ton négatif').waitFor();
    await page.getByRole('img', { name: 'Signaux d’alerte par jour' }).locator('canvas').waitFor();
    await shot(page, 'health-dashboard');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('fits a phone', async () => {
    const context = await site.browser.newContext({
      locale: 'en-GB',
      viewport: { width: 390, height: 800 },
      isMobile: true,
      hasTouch: true,
    });
    await signIn(context, site, manager);
    const page = await context.newPage();
    await page.goto(`${site.url}/health?days=7`);
    await page.getByRole('heading', { name: 'Community health' }).waitFor();
    await page.getByRole('img', { name: 'Activity per day' }).locator('canvas').waitFor();
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    await shot(page, 'health-phone');
    await context.close();
  });
});
