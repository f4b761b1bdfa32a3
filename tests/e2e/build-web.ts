import { build } from 'vite';

/**
 * The browser tests run against the production build of the web app and its server renderer, built fresh. Vite
 * takes "production" from NODE_ENV, which vitest sets to "test": left so, both builds came out as development
 * builds (Svelte's dev runtime and checks, the server's inlined styles with their source maps), not what ships.
 */
export default async function setup() {
  const configFile = new URL('../../web/vite.config.ts', import.meta.url).pathname;
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile, logLevel: 'warn' });
    await build({ configFile, logLevel: 'warn', build: { ssr: 'src/entry-server.ts' } });
  } finally {
    // The test files' workers start after this, with the environment vitest gave them.
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}
