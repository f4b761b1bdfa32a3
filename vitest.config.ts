import { defineConfig } from 'vitest/config';

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
