import { abuse } from './abuse.ts';
import { live } from './live.ts';
import { mix, mixClient } from './mix.ts';
import { mail } from './mail.ts';
import { netiquette } from './netiquette.ts';
import { netiquetteQuality } from './netiquette-quality.ts';
import { pages } from './pages.ts';
import { posting } from './posting.ts';
import { reputation } from './reputation.ts';
import { search } from './search.ts';
import { startup } from './startup.ts';
import { threadRead } from './thread-read.ts';
import { uploads } from './uploads.ts';
import { trackingRead } from './tracking.ts';

/** `npm run bench [-- scenario…]`: runs the named scenarios (all by default) and rewrites their BENCHMARKS.md sections. */
const scenarios: Record<string, () => Promise<void>> = {
  'thread-read': threadRead,
  startup,
  netiquette,
  'netiquette-quality': netiquetteQuality,
  reputation,
  search,
  live,
  posting,
  abuse,
  pages,
  mail,
  uploads,
  'thread-read-tracking': trackingRead,
  mix,
};

// The mix scenario's load generator: this same bundle, forked with the plan it should play.
if (process.env.BENCH_MIX_CLIENT) {
  await mixClient(process.env.BENCH_MIX_CLIENT);
  process.exit(0);
}

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of wanted.length ? wanted : Object.keys(scenarios)) {
  const scenario = scenarios[name];
  if (!scenario) {
    console.error(`unknown scenario "${name}"; known: ${Object.keys(scenarios).join(', ')}`);
    process.exit(2);
  }
  await scenario();
}
process.exit(0);
