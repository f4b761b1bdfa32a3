import type { ThreadsRepository } from './threads.repository.ts';
import { TurnBatcher } from './turn-batcher.ts';

type Head = NonNullable<Awaited<ReturnType<ThreadsRepository['getHeads']>>>[number];

/**
 * Threads' heads (state, version) for visitors' page reads, batched (issue 20): the reads that arrive within one
 * turn of the event loop share ONE query, whatever their threads, sent after the last of them arrived, so it sees
 * every write committed before them (with THREAD_COALESCE on, reads of a thread whose head is already in flight
 * wait for that one instead). (Members' reads get the head with their own layer,
 * batched the same way: ReaderRepository.overlays.)
 */
export class HeadBatcher {
  private readonly batcher: TurnBatcher<number, Head | undefined>;

  constructor(threads: Pick<ThreadsRepository, 'getHeads'>) {
    this.batcher = new TurnBatcher(async (ids) => {
      const heads = new Map((await threads.getHeads([...new Set(ids)])).map((h) => [h.id, h]));
      return ids.map((id) => heads.get(id));
    });
  }

  load(id: number): Promise<Head | undefined> {
    return this.batcher.load(id);
  }
}
