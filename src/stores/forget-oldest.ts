/**
 * Bounds a Map used as a memory of recent ids (insertion order = age): once it holds more than
 * `max` entries, the oldest are deleted until `max - max/64 + 1` remain (`max` itself below 128),
 * so it reaches the cap again only after about `max/64` new writes.
 *
 * In batches because V8 leaves a hole for each deleted Map entry until it rehashes, and every new
 * iterator walks the holes from the start: deleting one entry per write walked up to the whole
 * map every time (hundreds of times slower once full, see bench/).
 */
export function forgetOldest(map: Map<string, unknown>, max: number): void {
  if (map.size <= max) return;
  const batch = Math.max(1, max >> 6);
  let excess = map.size - max + batch - 1;
  for (const key of map.keys()) {
    if (excess-- <= 0) break;
    map.delete(key);
  }
}
