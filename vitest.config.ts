import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';
import { lightIcons } from './web/build-plugins.ts';

/**
 * `npm test`: unit tests (pure code) and integration tests (real PostgreSQL through the real HTTP layer).
 * Browser tests live apart (tests/e2e, `npm run test:e2e`) because they need Debian's chromium.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
        },
      },
      {
        // The server renders public pages with the web app's components (tests/integration/server-render.test.ts
        // loads web/src/entry-server.ts): compiled for the server, as the build does, lucide's icons included.
        plugins: [lightIcons(), svelte({ configFile: 'web/svelte.config.js' })],
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/setup/global-db.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
