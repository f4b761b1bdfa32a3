/**
 * A cached thread page's JSON (issue 20): the visitors' whole response, serialised and encoded once per page
 * version, in ONE buffer outside V8's heap, with where its pieces end. A member's page is those pieces around
 * their own viewer block, the posts they reacted to with their flags set; nothing is serialised again but that
 * block. One buffer and one array per page, rather than objects per post: more pages fit in a node's cache, and
 * the garbage collector has far fewer objects to walk (kept pages live in the old generation, which each of its
 * full collections traces).
 *
 * The pieces are the `JSON.stringify` of objects shaped like ThreadPageResponse, so the result is what the
 * route's schema would have written. A post's object ends with its reader's flags (`toPost`), so a member's
 * version of a post is the shared one with its last bytes changed.
 */
export interface PageJson {
  /** `{"thread":…,"posts":[…],"page":…,"viewer":…}` as a visitor gets it. */
  bytes: Buffer;
  /**
   * Where pieces end in `bytes`: `[0]` the head (`{"thread":…,"posts":[`), `[i + 1]` the post i, then the tail
   * (`],"page":…,"viewer":`). Posts are separated by one comma.
   */
  ends: number[];
}

export interface ReaderFlags {
  liked: boolean;
  markedHelpful: boolean;
}

const flagsJson = (flags: ReaderFlags) => `,"liked":${flags.liked},"markedHelpful":${flags.markedHelpful}}`;
const UNFLAGGED = flagsJson({ liked: false, markedHelpful: false });
const UNFLAGGED_BYTES = Buffer.byteLength(UNFLAGGED);
const CLOSE = Buffer.from('}');

/** `posts` are `toPost`'s objects without reactions (their last keys `liked`, `markedHelpful`, both false). */
export function pageJson(thread: object, posts: readonly object[], page: object, viewer: object): PageJson {
  const pieces = [`{"thread":${JSON.stringify(thread)},"posts":[`];
  posts.forEach((post, i) => {
    const json = JSON.stringify(post);
    if (!json.endsWith(UNFLAGGED)) throw new Error('pageJson: a post must end with its reader flags, both false');
    pieces.push(i === 0 ? json : `,${json}`);
  });
  pieces.push(`],"page":${JSON.stringify(page)},"viewer":`, `${JSON.stringify(viewer)}}`);
  // Its own memory, not a slice of Node's shared pool: a kept page must not hold other buffers' memory alive.
  const bytes = Buffer.allocUnsafeSlow(pieces.reduce((n, piece) => n + Buffer.byteLength(piece), 0));
  const ends: number[] = [];
  let offset = 0;
  for (const piece of pieces) {
    offset += bytes.write(piece, offset);
    ends.push(offset);
  }
  ends.pop(); // the visitors' viewer block ends with the buffer
  return { bytes, ends };
}

/** The page for one reader: `flagged` gives, by index, the posts they reacted to; `viewer` their block. */
export function readerPageJson(json: PageJson, flagged: ReadonlyMap<number, ReaderFlags>, viewer: object): Buffer {
  const { bytes, ends } = json;
  const posts = ends.length - 2;
  const parts: Buffer[] = [bytes.subarray(0, ends[0])];
  let shared = ends[0]!; // where the run of shared bytes not yet taken begins
  for (let i = 0; i < posts; i++) {
    const flags = flagged.get(i);
    if (!flags) continue;
    const end = ends[i + 1]!;
    parts.push(bytes.subarray(shared, end - UNFLAGGED_BYTES), Buffer.from(flagsJson(flags)));
    shared = end;
  }
  parts.push(bytes.subarray(shared, ends[posts + 1]), Buffer.from(JSON.stringify(viewer)), CLOSE);
  return Buffer.concat(parts);
}

/** The bytes a kept page holds (its cache's size is counted in them). */
export function pageJsonBytes(json: PageJson): number {
  return json.bytes.length + 8 * json.ends.length;
}
