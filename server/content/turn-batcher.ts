type Waiter<Out> = { resolve(value: Out): void; reject(err: unknown): void };

/**
 * Reads that arrive within one turn of the event loop share ONE statement (issue 20): `load` queues its input,
 * and once the turn's I/O callbacks have run (setImmediate), `run` gets every input queued and answers them all.
 * The statement is sent after the last read of the batch arrived, so each reader still sees every write
 * committed before their request: batching changes the number of round trips, never what a reader sees. Under
 * load a turn parses many requests, so a hot route costs one socket write and one PostgreSQL round trip per
 * turn rather than per request; alone, a read waits one turn.
 */
export class TurnBatcher<In, Out> {
  private pending: { input: In; waiter: Waiter<Out> }[] = [];
  private scheduled = false;

  constructor(
    /** Answers every input, in the same order. */
    private readonly run: (inputs: In[]) => Promise<Out[]>,
    /** At most this many inputs per statement (a larger turn is split). */
    private readonly maxBatch = 100,
  ) {}

  load(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.pending.push({ input, waiter: { resolve, reject } });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const queued = this.pending;
    this.pending = [];
    this.scheduled = false;
    for (let i = 0; i < queued.length; i += this.maxBatch) void this.answer(queued.slice(i, i + this.maxBatch));
  }

  private async answer(batch: { input: In; waiter: Waiter<Out> }[]): Promise<void> {
    try {
      const outputs = await this.run(batch.map((b) => b.input));
      batch.forEach((b, i) => b.waiter.resolve(outputs[i]!));
    } catch (err) {
      for (const b of batch) b.waiter.reject(err);
    }
  }
}
