import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import type { Db } from '../../server/db/kysely.ts';
import type { Member } from '../../server/db/types.ts';
import { SessionRepository } from '../../server/modules/auth/session.repository.ts';
import { generateSessionToken, SessionService } from '../../server/modules/auth/session.service.ts';
import { createTestDatabase } from '../setup/db.ts';

export const ARTIFACTS = path.resolve('test-results/e2e');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Site {
  url: string;
  db: Db;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * The real server (built web app + API) on a fresh database, listening on loopback, and a headless Chromium.
 * `env` adds to (or overrides) the configuration, e.g. SMTP_URL for a test's own SMTP server.
 */
export async function startSite(env: Record<string, string> = {}): Promise<Site> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  const database = await createTestDatabase();
  const config = loadConfig({
    WEB_DIST: 'web/dist',
    RATE_LIMIT_REGISTER: '1000',
    RATE_LIMIT_POSTING: '1000',
    NETIQUETTE_RECHECK_MS: '0',
    ...env,
  });
  const app = await buildApp({ config, db: database.db, databaseUrl: database.url });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  waitForHydration(browser);
  return {
    url: `http://127.0.0.1:${port}`,
    db: database.db,
    browser,
    async close() {
      await browser.close();
      await app.close();
      await database.drop();
    },
  };
}

const patched = new WeakSet<Page>();

/**
 * A server-rendered page shows its buttons before the app has hydrated them; a click in that window does nothing.
 * People take longer than that to click, a test does not (least of all on a busy machine): every `goto` and
 * `reload` of the site's pages returns once the app has taken over (`<html data-ready>`, set by main.ts).
 */
function waitForHydration(browser: Browser) {
  const patch = (page: Page) => {
    if (patched.has(page)) return page;
    patched.add(page);
    // A locator, not `waitForFunction`: the site's CSP has no 'unsafe-eval', which a string predicate needs (its
    // refusal used to be swallowed here, and the tests clicked before hydration whenever the machine was busy).
    const ready = () => page.locator('html[data-ready], body:not(:has(#app))').first().waitFor({ state: 'attached' });
    const goto = page.goto.bind(page);
    const reload = page.reload.bind(page);
    page.goto = async (...args) => {
      const response = await goto(...args);
      await ready();
      return response;
    };
    page.reload = async (...args) => {
      const response = await reload(...args);
      await ready();
      return response;
    };
    return page;
  };
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args) => {
    const context = await newContext(...args);
    if (args[0]?.javaScriptEnabled === false) return context;
    context.on('page', patch);
    const newPage = context.newPage.bind(context);
    context.newPage = async () => patch(await newPage());
    return context;
  };
}

/** Signs a browser context in as a member, with a session made the way login makes one. */
export async function signIn(context: BrowserContext, site: Site, member: Member): Promise<void> {
  const token = generateSessionToken();
  await new SessionService(new SessionRepository(site.db)).create(token, member.id);
  const { hostname, port } = new URL(site.url);
  await context.addCookies([
    { name: 'agora_session', value: token, domain: hostname, path: '/', httpOnly: true, sameSite: 'Lax' },
  ]);
  void port;
}

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}
