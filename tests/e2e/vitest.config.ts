import { defineConfig } from 'vitest/config';

/** Browser journeys: `npm run test:e2e` (needs Debian's /usr/bin/chromium; .ci/run installs it). */
export default defineConfig({
  test: {
    name: 'e2e',
    root: new URL('../..', import.meta.url).pathname,
    include: ['tests/e2e/**/*.test.ts'],
    globalSetup: ['tests/setup/global-db.ts', 'tests/e2e/build-web.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
