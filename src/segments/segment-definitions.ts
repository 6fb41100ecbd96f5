/**
 * The segments and computed traits of a workspace as ingest uses them (compiled: dependency order,
 * event trackers, also for the event conditions of its personalization slots' rules), cached per workspace for a few seconds and dropped at once when a definition
 * changes through this process (like privacy-context.ts). Another server sees a change within the
 * cache's lifetime; the backfill that follows every change covers the profiles in between.
 */
import type { ComputedTraitDefinition } from '../core/computed-traits/computed-trait.js';
import { compileDefinitions, type Segment, type SegmentDefinitions } from '../core/segments/segment.js';
import type { StoredDefinition } from '../ports/segment-store.js';
import type { Store } from '../ports/store.js';
import type { StoredSlot } from '../ports/decision-store.js';

export interface SegmentDefinitionsSource {
  get(workspaceId: string): Promise<SegmentDefinitions>;
  invalidate(workspaceId: string): void;
}

const TTL_MS = 5_000;

export function segmentOf(d: StoredDefinition): Segment {
  const body = d.body as { name: string; description?: string; condition: Segment['condition'] };
  return { id: d.id, workspaceId: d.workspaceId, name: body.name, description: body.description ?? '', condition: body.condition, createdAt: d.createdAt, updatedAt: d.updatedAt };
}

export function computedOf(d: StoredDefinition): ComputedTraitDefinition {
  return { ...(d.body as unknown as ComputedTraitDefinition), key: d.id };
}

/** `slots`: the workspace's personalization slots; their rule conditions get event trackers too (compile-slot.ts). */
export function compileStored(stored: readonly StoredDefinition[], slots: readonly StoredSlot[] = []): SegmentDefinitions {
  const slotConditions = slots.flatMap((s) => s.rules.flatMap((r) => (r.condition ? [r.condition] : [])));
  return compileDefinitions(stored.filter((d) => d.kind === 'segment').map(segmentOf), stored.filter((d) => d.kind === 'computed').map(computedOf), slotConditions);
}

/**
 * After the TTL the cached definitions keep being served while a refresh runs in the background
 * (ingest never waits for it inside its transaction), and a refresh that finds the same definitions
 * (ids and update times) keeps the compiled object, whose compiled conditions and indexes are
 * cached by identity. `invalidate` (a change through this process) makes the next `get` load anew.
 */
export function createSegmentDefinitions(store: Store, now: () => number): SegmentDefinitionsSource {
  interface Entry { definitions: Promise<SegmentDefinitions>; signature: Promise<string>; until: number; refreshing: boolean }
  const cache = new Map<string, Entry>();
  const signatureOf = ([stored, slots]: readonly [readonly StoredDefinition[], readonly StoredSlot[]]) =>
    [...stored.map((d) => `${d.kind}:${d.id}:${d.updatedAt}`), ...slots.map((s) => `slot:${s.id}:${s.version}`)].join('|');
  const load = (workspaceId: string, previous?: Entry): Entry => {
    const listed = Promise.all([store.segments.list(workspaceId), store.decisions.listSlots(workspaceId)] as const);
    const signature = listed.then(signatureOf);
    const definitions = Promise.all([listed, signature, previous?.signature, previous?.definitions]).then(([[stored, slots], sig, oldSig, old]) =>
      (old && sig === oldSig ? old : compileStored(stored, slots)));
    const entry: Entry = { definitions, signature, until: now() + TTL_MS, refreshing: false };
    definitions.catch(() => { if (cache.get(workspaceId) === entry) cache.delete(workspaceId); });
    return entry;
  };
  return {
    get(workspaceId) {
      const hit = cache.get(workspaceId);
      if (!hit) {
        const entry = load(workspaceId);
        cache.set(workspaceId, entry);
        return entry.definitions;
      }
      if (hit.until <= now() && !hit.refreshing) {
        hit.refreshing = true;
        const next = load(workspaceId, hit);
        next.definitions.then(() => { if (cache.get(workspaceId) === hit) cache.set(workspaceId, next); }, () => { hit.refreshing = false; });
      }
      return hit.definitions;
    },
    invalidate: (workspaceId) => void cache.delete(workspaceId),
  };
}
