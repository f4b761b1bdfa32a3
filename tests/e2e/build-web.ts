import { build } from 'vite';

/** The browser tests run against the production build of the web app and its server renderer, built fresh. */
export default async function setup() {
  const configFile = new URL('../../web/vite.config.ts', import.meta.url).pathname;
  await build({ configFile, logLevel: 'warn' });
  await build({ configFile, logLevel: 'warn', build: { ssr: 'src/entry-server.ts' } });
}
