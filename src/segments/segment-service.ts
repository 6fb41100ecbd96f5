/**
 * Segments and computed traits as the API and the CLI manage them: validated definitions stored
 * per workspace, the definitions cache invalidated, a backfill started for every new or changed
 * definition, and the reads (counts, progress, members).
 */
import { randomBytes } from 'node:crypto';
import type { ComputedTraitDefinition } from '../core/computed-traits/computed-trait.js';
import { validateComputedTrait } from '../core/computed-traits/validate-computed-trait.js';
import { TesseraError } from '../core/errors.js';
import { closesCycle, computedRefs, segmentRefs, type Segment } from '../core/segments/segment.js';
import type { ConditionRefs } from '../core/segments/validate-condition.js';
import { validateSegmentInput } from '../core/segments/validate-segment.js';
import type { BackfillProgress, DefinitionKind, StoredDefinition } from '../ports/segment-store.js';
import type { Store } from '../ports/store.js';
import type { PrivacyContexts } from '../privacy/privacy-context.js';
import type { BackfillRunner } from './backfill.js';
import type { SegmentScheduler } from './segment-scheduler.js';
import { newProgress } from './backfill.js';
import { computedOf, segmentOf, type SegmentDefinitionsSource } from './segment-definitions.js';

/**
 * What a condition may refer to in a workspace: its segments (but `selfId`), computed traits,
 * purposes, and the personas of its current persona model (null without a model: any well-formed
 * persona id is then accepted, see validate-condition.ts).
 */
export async function conditionRefsOf(deps: { store: Store; privacy: PrivacyContexts }, workspaceId: string, selfId?: string): Promise<ConditionRefs> {
  const [all, privacy, model] = await Promise.all([deps.store.segments.list(workspaceId), deps.privacy.get(workspaceId), deps.store.personas.currentModel(workspaceId)]);
  return {
    segments: new Set(all.filter((d) => d.kind === 'segment' && d.id !== selfId).map((d) => d.id)),
    computedTraits: new Set(all.filter((d) => d.kind === 'computed').map((d) => d.id)),
    purposes: new Set(privacy.purposes.keys()),
    personas: model ? new Set(model.personas.map((p) => p.id)) : null,
  };
}

export interface SegmentServiceDeps {
  store: Store;
  privacy: PrivacyContexts;
  definitions: SegmentDefinitionsSource;
  backfills: BackfillRunner;
  now: () => number;
}

export interface SegmentRecord { segment: Segment; backfill: BackfillProgress | null }
export interface ComputedRecord { definition: ComputedTraitDefinition; createdAt: number; updatedAt: number; backfill: BackfillProgress | null }

const MAX_DEFINITIONS = 500;

export function createSegmentService(deps: SegmentServiceDeps) {
  const { store } = deps;

  const refs = (workspaceId: string, selfId?: string): Promise<ConditionRefs> => conditionRefsOf({ store, privacy: deps.privacy }, workspaceId, selfId);

  const save = async (d: StoredDefinition, backfill: boolean) => {
    await store.segments.put(d);
    deps.definitions.invalidate(d.workspaceId);
    if (backfill) deps.backfills.start({ workspaceId: d.workspaceId, kind: d.kind, id: d.id });
  };

  const stored = async (workspaceId: string, kind: DefinitionKind, id: string) => {
    const found = await store.segments.get(workspaceId, kind, id);
    if (!found) throw new TesseraError('not_found', { message: `No ${kind === 'segment' ? 'segment' : 'computed trait'} "${id}".` });
    return found;
  };

  const limitCount = async (workspaceId: string) => {
    if ((await store.segments.list(workspaceId)).length >= MAX_DEFINITIONS) throw new TesseraError('conflict', { message: `A workspace holds at most ${MAX_DEFINITIONS} segments and computed traits.` });
  };

  return {
    /** What a condition may refer to in this workspace (for validation and previews). */
    refs,

    async createSegment(workspaceId: string, body: unknown): Promise<SegmentRecord> {
      const checked = validateSegmentInput(body, await refs(workspaceId), { idAllowed: true });
      if (!checked.ok) throw new TesseraError('invalid_body', { issues: checked.issues });
      const id = checked.segment.id ?? `seg_${randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
      if (await store.segments.get(workspaceId, 'segment', id)) throw new TesseraError('conflict', { message: `A segment "${id}" exists already.`, issues: [{ field: 'id', reason: 'is taken' }] });
      await limitCount(workspaceId);
      const at = deps.now();
      const d: StoredDefinition = {
        workspaceId, kind: 'segment', id, body: { name: checked.segment.name, description: checked.segment.description, condition: checked.segment.condition },
        createdAt: at, updatedAt: at, backfill: newProgress(await store.profiles.count(workspaceId), at),
      };
      await save(d, true);
      return { segment: segmentOf(d), backfill: d.backfill };
    },

    async updateSegment(workspaceId: string, id: string, body: unknown): Promise<SegmentRecord> {
      const current = await stored(workspaceId, 'segment', id);
      const checked = validateSegmentInput(body, await refs(workspaceId, id), { idAllowed: false });
      if (!checked.ok) throw new TesseraError('invalid_body', { issues: checked.issues });
      const others = (await store.segments.list(workspaceId)).filter((d) => d.kind === 'segment').map(segmentOf);
      if (closesCycle({ id, condition: checked.segment.condition }, others)) {
        throw new TesseraError('invalid_body', { issues: [{ field: 'condition', reason: 'refers back to this segment through other segments (a cycle)' }] });
      }
      const conditionChanged = JSON.stringify(current.body.condition) !== JSON.stringify(checked.segment.condition);
      const at = deps.now();
      const d: StoredDefinition = {
        ...current, body: { name: checked.segment.name, description: checked.segment.description, condition: checked.segment.condition }, updatedAt: at,
        backfill: conditionChanged ? newProgress(await store.profiles.count(workspaceId), at) : current.backfill,
      };
      await save(d, conditionChanged);
      return { segment: segmentOf(d), backfill: d.backfill };
    },

    async deleteSegment(workspaceId: string, id: string): Promise<void> {
      const referring = (await store.segments.list(workspaceId)).filter((d) => d.kind === 'segment' && d.id !== id).map(segmentOf)
        .filter((s) => segmentRefs(s.condition).has(id));
      if (referring.length > 0) throw new TesseraError('conflict', { message: `Segment "${id}" is used by ${referring.map((s) => `"${s.name}" (${s.id})`).join(', ')}; change those first.` });
      if (!(await store.segments.delete(workspaceId, 'segment', id))) throw new TesseraError('not_found', { message: `No segment "${id}".` });
      deps.definitions.invalidate(workspaceId);
    },

    async getSegment(workspaceId: string, id: string): Promise<SegmentRecord & { members: number }> {
      const d = await stored(workspaceId, 'segment', id);
      return { segment: segmentOf(d), backfill: d.backfill, members: await store.segments.memberCount(workspaceId, d.id) };
    },

    /**
     * Every segment with its member count: the count the store keeps as members enter and leave
     * (ports/segment-store.ts memberCount), exact and cheap at any size. `counts` is accepted for
     * compatibility: `'cached'` once meant "only the counts known from the last 10 s" (counting a
     * segment took up to a second at a million profiles, bench:admin); both now give every count.
     */
    async listSegments(workspaceId: string, _options: { counts?: 'all' | 'cached' } = {}): Promise<Array<SegmentRecord & { members: number | null }>> {
      const all = (await store.segments.list(workspaceId)).filter((d) => d.kind === 'segment');
      return Promise.all(all.map(async (d) => ({ segment: segmentOf(d), backfill: d.backfill, members: await store.segments.memberCount(workspaceId, d.id) })));
    },

    async putComputedTrait(workspaceId: string, body: unknown, key?: string): Promise<ComputedRecord> {
      const input = key !== undefined && body && typeof body === 'object' && !Array.isArray(body) ? { key, ...(body as object) } : body;
      const checked = validateComputedTrait(input);
      if (!checked.ok) throw new TesseraError('invalid_body', { issues: checked.issues });
      if (key !== undefined && checked.definition.key !== key) throw new TesseraError('invalid_body', { issues: [{ field: 'key', reason: 'cannot be changed' }] });
      const current = await store.segments.get(workspaceId, 'computed', checked.definition.key);
      if (key === undefined && current) throw new TesseraError('conflict', { message: `A computed trait "${checked.definition.key}" exists already.`, issues: [{ field: 'key', reason: 'is taken' }] });
      if (key !== undefined && !current) throw new TesseraError('not_found', { message: `No computed trait "${key}".` });
      if (!current) await limitCount(workspaceId);
      const at = deps.now();
      const { key: id, ...rest } = checked.definition;
      const changed = !current || JSON.stringify({ ...current.body, name: null, description: null }) !== JSON.stringify({ ...rest, name: null, description: null });
      const d: StoredDefinition = {
        workspaceId, kind: 'computed', id, body: rest as Record<string, unknown>, createdAt: current?.createdAt ?? at, updatedAt: at,
        backfill: changed ? newProgress(await store.profiles.count(workspaceId), at) : current!.backfill,
      };
      await save(d, changed);
      return { definition: computedOf(d), createdAt: d.createdAt, updatedAt: d.updatedAt, backfill: d.backfill };
    },

    async deleteComputedTrait(workspaceId: string, key: string): Promise<void> {
      const users = (await store.segments.list(workspaceId)).filter((d) => d.kind === 'segment').map(segmentOf)
        .filter((s) => computedRefs(s.condition).has(key));
      if (users.length > 0) throw new TesseraError('conflict', { message: `Computed trait "${key}" is used by ${users.map((s) => `"${s.name}" (${s.id})`).join(', ')}; change those first.` });
      if (!(await store.segments.delete(workspaceId, 'computed', key))) throw new TesseraError('not_found', { message: `No computed trait "${key}".` });
      deps.definitions.invalidate(workspaceId);
    },

    async getComputedTrait(workspaceId: string, key: string): Promise<ComputedRecord> {
      const d = await stored(workspaceId, 'computed', key);
      return { definition: computedOf(d), createdAt: d.createdAt, updatedAt: d.updatedAt, backfill: d.backfill };
    },

    async listComputedTraits(workspaceId: string): Promise<ComputedRecord[]> {
      return (await store.segments.list(workspaceId)).filter((d) => d.kind === 'computed')
        .map((d) => ({ definition: computedOf(d), createdAt: d.createdAt, updatedAt: d.updatedAt, backfill: d.backfill }));
    },
  };
}

export type SegmentService = ReturnType<typeof createSegmentService>;

/** What the HTTP app and tests reach of the segment machinery of one Tessera instance. */
export interface SegmentServices {
  service: SegmentService;
  definitions: SegmentDefinitionsSource;
  backfills: BackfillRunner;
  scheduler: SegmentScheduler;
}
