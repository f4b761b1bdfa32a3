/**
 * Polls until the condition holds (a notice from PostgreSQL crossing to a node's caches), or fails after 5 s.
 * Only for what the product promises "within milliseconds": what it promises at once is asserted at once.
 */
export async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 250; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the condition never held');
}
