/**
 * Namespaces make experiments mutually exclusive: each experiment in a namespace owns a range of it, and a unit
 * hashes to one position per namespace, so it can fall in at most one experiment's range.
 * Matches GrowthBook's `inNamespace(hashValue, [id, start, end])`: the position is `hash("__" + id, value, 1)`
 * (version 1 hashing, whatever the experiment's own hash version) and the range includes start, excludes end.
 */
import { hashUnit } from './hashing.js';

export interface NamespaceRange {
  id: string;
  start: number;
  end: number;
}

export function inNamespace(unitValue: string, namespace: NamespaceRange): boolean {
  const position = hashUnit(`__${namespace.id}`, unitValue, 1);
  if (position === null) return false;
  return position >= namespace.start && position < namespace.end;
}
