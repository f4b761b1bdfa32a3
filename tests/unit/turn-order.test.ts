import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRequestsAfterTurnIo } from '../../server/http/turn-order.ts';

/**
 * A request in progress whose answer arrives in the same turn as a new request moves on before the new request
 * starts (server/http/turn-order.ts): the order two routes record, in one turn.
 */
let order: string[] = [];
let openGate: () => void = () => {};
let base = '';
const app = Fastify();
beforeAll(async () => {
  startRequestsAfterTurnIo(app);
  app.get('/in-progress', async () => {
    order.push('in-progress: started');
    // Stands for a database answer: it arrives in the I/O callback that receives the next request (below).
    await new Promise<void>((resolve) => (openGate = resolve));
    order.push('in-progress: answer handled');
    return { ok: true };
  });
  app.get('/new', async () => {
    order.push('new: started');
    return { ok: true };
  });
  // The answer and the new request in one turn: the same socket callback that parsed the request opens the gate.
  app.server.prependListener('request', () => openGate());
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
});
afterAll(() => app.close());

describe('requests in progress before new ones', () => {
  it('lets an answer that arrives with a new request move its own request on first', async () => {
    const inProgress = fetch(`${base}/in-progress`);
    while (!order.includes('in-progress: started')) await new Promise((r) => setTimeout(r, 1));
    order = ['in-progress: started'];
    const fresh = fetch(`${base}/new`);
    const [a, b] = await Promise.all([inProgress, fresh]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(order).toEqual(['in-progress: started', 'in-progress: answer handled', 'new: started']);
  });

  it('still answers requests on their own', async () => {
    order = [];
    const replies = await Promise.all([1, 2, 3].map(() => fetch(`${base}/new`)));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(order).toEqual(['new: started', 'new: started', 'new: started']);
  });
});
