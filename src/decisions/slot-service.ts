/**
 * The slot service (issue 14): a workspace's slots and decision settings as the admin API and,
 * later, decide use them. It reads ports and calls the core: validation with refs built from the
 * workspace's data schema (sensitive and identity traits) and its segment definitions; compiled
 * slots cached in an LRU keyed by (workspace, slot id, version, updatedAt, identity traits), so a
 * changed slot or data schema compiles anew and an unchanged one never twice. No SQL, no HTTP.
 */
import { LRUCache } from 'lru-cache';
import { compileSlot, type CompiledSlot } from '../core/decisions/compile-slot.js';
import { DEFAULT_DECISION_SETTINGS, type DecisionSettings } from '../core/decisions/decision-settings.js';
import type { Locale } from '../core/decisions/locale.js';
import type { Slot } from '../core/decisions/slot.js';
import { DEFAULT_STRATEGIES } from '../core/decisions/strategies/registry.js';
import type { StrategyRegistry } from '../core/decisions/strategy.js';
import { transparencyNotice, type NoticeEntry } from '../core/decisions/transparency-notice.js';
import { validateDecisionSettings } from '../core/decisions/validate-settings.js';
import { validateSlot, type SlotRefs } from '../core/decisions/validate-slot.js';
import { TesseraError } from '../core/errors.js';
import { identityTraitKeys, sensitiveTraitKeys } from '../core/privacy/data-schema.js';
import type { StoredSlot } from '../ports/decision-store.js';
import type { Store } from '../ports/store.js';
import type { PrivacyContexts } from '../privacy/privacy-context.js';
import { conditionRefsOf } from '../segments/segment-service.js';

export interface SlotServiceDeps {
  store: Store;
  privacy: PrivacyContexts;
  now: () => number;
  /** Ingest's segment definitions: slot rules' event conditions need trackers there, so a slot change invalidates them. */
  definitions?: { invalidate(workspaceId: string): void };
  strategies?: StrategyRegistry;
  /** Compiled slots kept (across workspaces); default 2,000. */
  cacheSize?: number;
}

/** A workspace holds at most this many slots. */
export const MAX_SLOTS = 200;

export type SlotService = ReturnType<typeof createSlotService>;

/** How long ingest keeps a workspace's watched event names before reading its slots again. */
const WATCHED_TTL_MS = 5_000;

export function createSlotService(deps: SlotServiceDeps) {
  const strategies = deps.strategies ?? DEFAULT_STRATEGIES;
  const compiled = new LRUCache<string, CompiledSlot>({ max: deps.cacheSize ?? 2_000 });

  // Per workspace: the event names its slots watch (null: no slots), for ingest (update-exposure-counters.ts).
  const watched = new LRUCache<string, { names: Promise<ReadonlySet<string> | null> }>({ max: 10_000, ttl: WATCHED_TTL_MS });
  const changed = (workspaceId: string) => {
    watched.delete(workspaceId);
    deps.definitions?.invalidate(workspaceId);
  };

  const identityTraits = async (workspaceId: string): Promise<Set<string>> => identityTraitKeys((await deps.privacy.get(workspaceId)).settings.schema);

  const refs = async (workspaceId: string): Promise<SlotRefs> => {
    const [conditions, privacy] = await Promise.all([conditionRefsOf(deps, workspaceId), deps.privacy.get(workspaceId)]);
    return { ...conditions, sensitiveTraits: sensitiveTraitKeys(privacy.settings.schema), identityTraits: identityTraitKeys(privacy.settings.schema), strategies };
  };

  const validated = async (workspaceId: string, body: unknown) => {
    const checked = validateSlot(body, await refs(workspaceId));
    if (!checked.ok) throw new TesseraError('invalid_body', { issues: checked.issues });
    return checked.slot;
  };

  const stored = async (workspaceId: string, id: string): Promise<StoredSlot> => {
    const found = await deps.store.decisions.getSlot(workspaceId, id);
    if (!found) throw new TesseraError('not_found', { message: `No slot "${id}".` });
    return found;
  };

  const compile = (slot: StoredSlot, identity: ReadonlySet<string>): CompiledSlot => {
    const key = [slot.workspaceId, slot.id, slot.version, slot.updatedAt, [...identity].sort().join(',')].join('\u0000');
    let hit = compiled.get(key);
    if (!hit) {
      hit = compileSlot(slot, { strategies, identityTraits: identity });
      compiled.set(key, hit);
    }
    return hit;
  };

  return {
    refs,

    listSlots: (workspaceId: string) => deps.store.decisions.listSlots(workspaceId),
    getSlot: stored,

    async createSlot(workspaceId: string, body: unknown): Promise<StoredSlot> {
      const slot = await validated(workspaceId, body);
      if (await deps.store.decisions.getSlot(workspaceId, slot.id)) throw new TesseraError('conflict', { message: `A slot "${slot.id}" exists already.`, issues: [{ field: 'id', reason: 'is taken' }] });
      if ((await deps.store.decisions.listSlots(workspaceId)).length >= MAX_SLOTS) throw new TesseraError('conflict', { message: `A workspace holds at most ${MAX_SLOTS} slots.` });
      const now = deps.now();
      const created = await deps.store.decisions.putSlot({ ...slot, workspaceId, createdAt: now, updatedAt: now });
      changed(workspaceId);
      return created;
    },

    /** Replaces the definition; the body's `id`, when given, must be the path's. */
    async replaceSlot(workspaceId: string, id: string, body: unknown): Promise<StoredSlot> {
      const existing = await stored(workspaceId, id);
      const withId = body !== null && typeof body === 'object' && !Array.isArray(body) && !Object.hasOwn(body, 'id') ? { ...body, id } : body;
      const slot = await validated(workspaceId, withId);
      if (slot.id !== id) throw new TesseraError('invalid_body', { issues: [{ field: 'id', reason: `must be "${id}" (the slot in the path) or absent` }] });
      const replaced = await deps.store.decisions.putSlot({ ...slot, workspaceId, createdAt: existing.createdAt, updatedAt: deps.now() } satisfies Slot);
      changed(workspaceId);
      return replaced;
    },

    async deleteSlot(workspaceId: string, id: string): Promise<void> {
      if (!(await deps.store.decisions.deleteSlot(workspaceId, id))) throw new TesseraError('not_found', { message: `No slot "${id}".` });
      changed(workspaceId);
    },

    async settings(workspaceId: string): Promise<DecisionSettings> {
      return (await deps.store.decisions.getSettings(workspaceId)) ?? DEFAULT_DECISION_SETTINGS;
    },

    /** Replaces the settings: fields left out take their defaults (DEFAULT_DECISION_SETTINGS). */
    async putSettings(workspaceId: string, body: unknown): Promise<DecisionSettings> {
      const checked = validateDecisionSettings(body, DEFAULT_DECISION_SETTINGS);
      if (!checked.ok) throw new TesseraError('invalid_body', { issues: checked.issues });
      await deps.store.decisions.putSettings(workspaceId, checked.settings, deps.now());
      return checked.settings;
    },

    /** One slot, compiled (cached). */
    async compiledSlot(workspaceId: string, id: string): Promise<CompiledSlot> {
      const [slot, identity] = await Promise.all([stored(workspaceId, id), identityTraits(workspaceId)]);
      return compile(slot, identity);
    },

    /** Every slot of the workspace, compiled (cached). */
    async compiledSlots(workspaceId: string): Promise<CompiledSlot[]> {
      const [slots, identity] = await Promise.all([deps.store.decisions.listSlots(workspaceId), identityTraits(workspaceId)]);
      return slots.map((s) => compile(s, identity));
    },

    /**
     * Lower-cased event names the workspace's slots watch (`watchedEvents`: "not within" and
     * sequence conversions); null when the workspace has no slots, so ingest does nothing. Cached
     * for a few seconds; a change through this process is seen at once, another server's within
     * WATCHED_TTL_MS.
     */
    watchedEvents(workspaceId: string): Promise<ReadonlySet<string> | null> {
      const hit = watched.get(workspaceId);
      if (hit) return hit.names;
      const names = this.compiledSlots(workspaceId).then((all) => (all.length === 0 ? null : new Set(all.flatMap((s) => [...s.watchedEvents].map((n) => n.toLowerCase())))));
      watched.set(workspaceId, { names });
      names.catch(() => changed(workspaceId));
      return names;
    },

    /** The transparency notice for the workspace's slots, in `locale`. */
    async notice(workspaceId: string, locale: Locale): Promise<NoticeEntry[]> {
      return transparencyNotice(await this.compiledSlots(workspaceId), locale);
    },
  };
}
