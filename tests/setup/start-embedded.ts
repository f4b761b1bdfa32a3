// Child process for tests/integration/embedded.test.ts: starts a cluster, says so, then waits to be killed.
import { startEmbeddedPostgres } from '../../server/db/embedded.ts';

const server = await startEmbeddedPostgres({ dir: `${process.argv[2]!}/db` });
process.stdout.write(`ready ${server.port}\n`);
setInterval(() => {}, 1000);
