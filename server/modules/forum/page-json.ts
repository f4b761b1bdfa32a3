/**
 * A cached thread page's JSON, kept in pieces (issue 20): the thread, each post and the paging are serialised
 * once per page version, and a member's page is a concatenation of them with their own layer — the posts they
 * reacted to serialised again, and the viewer block — instead of a serialisation of the whole page each time.
 * The pieces are the `JSON.stringify` of objects shaped like ThreadPageResponse (the visitors' cached bytes are
 * made the same way), so the result is what the route's schema would have written.
 */
export interface PageJson {
  /** `{"thread":…,"posts":[` */
  head: Buffer;
  posts: Buffer[];
  /** `],"page":…,"viewer":` */
  tail: Buffer;
}

const COMMA = Buffer.from(',');
const CLOSE = Buffer.from('}');

export function pageJson(thread: object, posts: readonly object[], page: object): PageJson {
  return {
    head: Buffer.from(`{"thread":${JSON.stringify(thread)},"posts":[`),
    posts: posts.map((p) => Buffer.from(JSON.stringify(p))),
    tail: Buffer.from(`],"page":${JSON.stringify(page)},"viewer":`),
  };
}

/**
 * The page for one reader: `replaced` gives, by index, the posts that differ for them (their reactions), the
 * others are the shared pieces.
 */
export function readerPageJson(json: PageJson, replaced: ReadonlyMap<number, object>, viewer: object): Buffer {
  const parts: Buffer[] = [json.head];
  json.posts.forEach((post, i) => {
    if (i > 0) parts.push(COMMA);
    const own = replaced.get(i);
    parts.push(own ? Buffer.from(JSON.stringify(own)) : post);
  });
  parts.push(json.tail, Buffer.from(JSON.stringify(viewer)), CLOSE);
  return Buffer.concat(parts);
}
