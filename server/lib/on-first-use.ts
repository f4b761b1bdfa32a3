/**
 * A module loaded the first time it is needed, once (issue 20: start-up and idle memory). For libraries only some
 * nodes use (S3 storage, image processing, OpenID Connect, SMTP): a node that never uploads an image or sends a
 * mail does not hold them in memory (each is 8 to 28 MB of resident memory and tens to hundreds of milliseconds
 * of start-up). A failed load is tried again at the next use.
 */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}
