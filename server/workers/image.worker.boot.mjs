// Runs the TypeScript image worker from the sources (tests, `npm run dev`): the production build bundles
// server/workers/image.worker.ts into dist/workers/image.worker.mjs and runs that instead.
import { register } from 'tsx/esm/api';

register();
await import('./image.worker.ts');
