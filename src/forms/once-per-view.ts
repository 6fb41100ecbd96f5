/**
 * Remembers which (view, interaction) pairs were counted, so that a page reporting `started` twice
 * or a double-clicked submit counts once. Per server process and bounded (forgotten all at once
 * when full): a rare double count after that is harmless for statistics.
 */
const REMEMBERED = 20_000;

/** True the first time a key is seen. */
export type FirstTime = (key: string) => boolean;

export function createOncePerView(limit = REMEMBERED): FirstTime {
  const seen = new Set<string>();
  return (key) => {
    if (seen.has(key)) return false;
    if (seen.size >= limit) seen.clear();
    seen.add(key);
    return true;
  };
}
