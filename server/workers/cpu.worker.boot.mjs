// Runs the TypeScript worker from the sources (tests, `npm run dev`): the production build bundles
// server/workers/cpu.worker.ts into dist/workers/cpu.worker.mjs and loads that instead.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./cpu.worker.ts');
export default worker.default;
