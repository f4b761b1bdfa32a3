import { describe, expect, it } from 'vitest';
import { pageJson, readerPageJson } from '../../server/modules/forum/page-json.ts';

/** Posts shaped as `toPost` makes them: the reader's flags last. */
const post = (id: number, html: string) => ({
  id,
  html,
  author: { id: 10 + id, displayName: 'Zoé « Ça va » 🏕️' },
  liked: false,
  markedHelpful: false,
});
const thread = { id: 1, title: 'Où camper près du lac d’Annecy ?' };
const paging = { after: 0, limit: 20, nextAfter: null, total: 3 };
const visitor = { canReply: false, tracking: null };
const member = { canReply: true, tracking: { level: 'watching', lastRead: 2 } };

describe('a cached page as JSON', () => {
  const posts = [post(1, '<p>Été, forêt, 🌲</p>'), post(2, '<p>Plutôt "là-bas"\\n</p>'), post(3, '<p>…</p>')];
  const json = pageJson(thread, posts, paging, visitor);

  it("is the visitors' response as JSON.stringify writes it (accents and emoji counted in bytes)", () => {
    expect(json.bytes.toString()).toBe(JSON.stringify({ thread, posts, page: paging, viewer: visitor }));
    expect(JSON.parse(readerPageJson(json, new Map(), visitor).toString())).toEqual(JSON.parse(json.bytes.toString()));
  });

  it("is a member's page with their own flags and viewer block, the other posts as shared", () => {
    const flagged = new Map([
      [0, { liked: true, markedHelpful: false }],
      [2, { liked: true, markedHelpful: true }],
    ]);
    const expected = {
      thread,
      posts: [{ ...posts[0], liked: true }, posts[1], { ...posts[2], liked: true, markedHelpful: true }],
      page: paging,
      viewer: member,
    };
    expect(readerPageJson(json, flagged, member).toString()).toBe(JSON.stringify(expected));
    // Only the last post flagged, and only the first: the runs of shared bytes around them are right.
    const last = readerPageJson(json, new Map([[2, { liked: false, markedHelpful: true }]]), member);
    expect(JSON.parse(last.toString()).posts.map((p: { markedHelpful: boolean }) => p.markedHelpful)).toEqual([
      false,
      false,
      true,
    ]);
    const first = readerPageJson(json, new Map([[0, { liked: true, markedHelpful: false }]]), member);
    expect(JSON.parse(first.toString()).posts.map((p: { liked: boolean }) => p.liked)).toEqual([true, false, false]);
  });

  it('holds a page without posts', () => {
    const empty = pageJson(thread, [], { ...paging, total: 0 }, visitor);
    expect(JSON.parse(empty.bytes.toString()).posts).toEqual([]);
    expect(JSON.parse(readerPageJson(empty, new Map(), member).toString())).toEqual({
      thread,
      posts: [],
      page: { ...paging, total: 0 },
      viewer: member,
    });
  });

  it('refuses a post whose reader flags are not its last keys (they could not be set by their bytes)', () => {
    expect(() => pageJson(thread, [{ liked: false, markedHelpful: false, id: 1 }], paging, visitor)).toThrow();
  });

  it('keeps its bytes in memory of its own, not in a slice of the shared pool', () => {
    expect(json.bytes.byteOffset).toBe(0);
    expect(json.bytes.buffer.byteLength).toBe(json.bytes.length);
  });
});
