/**
 * `items.map(fn)` with at most `limit` calls in flight, results in input order. Hundreds of /proc
 * walks started at once complete as one burst of callbacks that holds the event loop for tens of
 * milliseconds; a few at a time leave room for every session's I/O between them.
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
