/**
 * The segments and computed traits of a workspace as ingest uses them (compiled: dependency order,
 * event trackers), cached per workspace for a few seconds and dropped at once when a definition
 * changes through this process (like privacy-context.ts). Another server sees a change within the
 * cache's lifetime; the backfill that follows every change covers the profiles in between.
 */
import type { ComputedTraitDefinition } from '../core/computed-traits/computed-trait.js';
import { compileDefinitions, type Segment, type SegmentDefinitions } from '../core/segments/segment.js';
import type { StoredDefinition } from '../ports/segment-store.js';
import type { Store } from '../ports/store.js';

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

export function compileStored(stored: readonly StoredDefinition[]): SegmentDefinitions {
  return compileDefinitions(stored.filter((d) => d.kind === 'segment').map(segmentOf), stored.filter((d) => d.kind === 'computed').map(computedOf));
}

export function createSegmentDefinitions(store: Store, now: () => number): SegmentDefinitionsSource {
  const cache = new Map<string, { definitions: Promise<SegmentDefinitions>; until: number }>();
  return {
    get(workspaceId) {
      const t = now();
      const hit = cache.get(workspaceId);
      if (hit && hit.until > t) return hit.definitions;
      const definitions = store.segments.list(workspaceId).then(compileStored);
      cache.set(workspaceId, { definitions, until: t + TTL_MS });
      definitions.catch(() => cache.delete(workspaceId));
      return definitions;
    },
    invalidate: (workspaceId) => void cache.delete(workspaceId),
  };
}
