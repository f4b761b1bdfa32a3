import { build } from 'vite';

/** The browser tests run against the production build of the web app, built fresh for the run. */
export default async function setup() {
  await build({ configFile: new URL('../../web/vite.config.ts', import.meta.url).pathname, logLevel: 'warn' });
}
