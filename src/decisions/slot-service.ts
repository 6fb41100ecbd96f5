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
import type { Slot, SlotDefinition } from '../core/decisions/slot.js';
import { DEFAULT_STRATEGIES } from '../core/decisions/strategies/registry.js';
import type { StrategyRegistry } from '../core/decisions/strategy.js';
import { transparencyNotice, type NoticeEntry } from '../core/decisions/transparency-notice.js';
import { validateDecisionSettings } from '../core/decisions/validate-settings.js';
import { validateSlot, type SlotRefs } from '../core/decisions/validate-slot.js';
import { TesseraError, type FieldIssue } from '../core/errors.js';
import { identityTraitKeys, sensitiveTraitKeys } from '../core/privacy/data-schema.js';
import type { StoredSlot } from '../ports/decision-store.js';
import type { Store } from '../ports/store.js';
import type { PrivacyContexts } from '../privacy/privacy-context.js';
import { conditionRefsOf } from '../segments/segment-service.js';
import { buildSlotReport, goalOf, localDay, reportSpecOf, type ReportInterval, type ReportSpec } from '../core/decisions/slot-report.js';
import { usableZone } from '../core/decisions/timing.js';

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

/**
 * How long decide keeps a workspace's compiled slots and settings: a change through this process
 * is seen at once (the entry is dropped), another server's within this time.
 */
const DECIDE_TTL_MS = 2_000;

/** What decide needs of a workspace, read once per DECIDE_TTL_MS. */
export interface DecideSnapshot {
  slots: ReadonlyMap<string, { compiled: CompiledSlot; version: number }>;
  settings: DecisionSettings;
}

/** A slot's `experiment` must name an experiment of the workspace whose every variation id is a variant of the slot. */
async function experimentIssues(store: Store, workspaceId: string, slot: SlotDefinition): Promise<FieldIssue[]> {
  if (slot.experiment === undefined) return [];
  const found = await store.experiments.get(workspaceId, slot.experiment);
  if (!found) return [{ field: 'experiment', reason: `no experiment "${slot.experiment}" exists in this workspace` }];
  const variants = new Set(slot.variants.map((v) => v.id));
  const orphans = found.experiment.variations.filter((v) => !variants.has(v.id)).map((v) => v.id);
  return orphans.length === 0 ? [] : [{ field: 'experiment', reason: `the variation ids of experiment "${slot.experiment}" must be variant ids of this slot; no variant for ${orphans.map((o) => `"${o}"`).join(', ')}` }];
}

export function createSlotService(deps: SlotServiceDeps) {
  const strategies = deps.strategies ?? DEFAULT_STRATEGIES;
  const compiled = new LRUCache<string, CompiledSlot>({ max: deps.cacheSize ?? 2_000 });

  // Per workspace: the event names its slots watch (null: no slots), for ingest (update-exposure-counters.ts).
  const watched = new LRUCache<string, { names: Promise<ReadonlySet<string> | null> }>({ max: 10_000, ttl: WATCHED_TTL_MS });
  // Per workspace: its time zone and its slots' goals (null: no slots), for the slot reports (update-slot-reports.ts).
  const specs = new LRUCache<string, { spec: Promise<ReportSpec | null> }>({ max: 10_000, ttl: WATCHED_TTL_MS });
  const snapshots = new LRUCache<string, { snapshot: Promise<DecideSnapshot> }>({ max: 10_000, ttl: DECIDE_TTL_MS });
  const changed = (workspaceId: string) => {
    watched.delete(workspaceId);
    specs.delete(workspaceId);
    snapshots.delete(workspaceId);
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
    const issues = await experimentIssues(deps.store, workspaceId, checked.slot);
    if (issues.length > 0) throw new TesseraError('invalid_body', { issues });
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
      // Settings stored before a field existed take its default.
      return { ...DEFAULT_DECISION_SETTINGS, ...(await deps.store.decisions.getSettings(workspaceId)) };
    },

    /** Replaces the settings: fields left out take their defaults (DEFAULT_DECISION_SETTINGS). */
    async putSettings(workspaceId: string, body: unknown): Promise<DecisionSettings> {
      const checked = validateDecisionSettings(body, DEFAULT_DECISION_SETTINGS);
      if (!checked.ok) throw new TesseraError('invalid_body', { issues: checked.issues });
      await deps.store.decisions.putSettings(workspaceId, checked.settings, deps.now());
      // The report spec holds the time zone; decide's snapshot the settings.
      specs.delete(workspaceId);
      snapshots.delete(workspaceId);
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

    /**
     * What ingest needs for the slot reports: the workspace's time zone (decision settings) and
     * its slots' goals; null when the workspace has no slots. Cached like `watchedEvents`.
     */
    reportSpec(workspaceId: string): Promise<ReportSpec | null> {
      const hit = specs.get(workspaceId);
      if (hit) return hit.spec;
      const spec = Promise.all([deps.store.decisions.listSlots(workspaceId), this.settings(workspaceId)]).then(([slots, settings]) => reportSpecOf(slots, usableZone(settings.timezone) ?? 'UTC'));
      specs.set(workspaceId, { spec });
      spec.catch(() => changed(workspaceId));
      return spec;
    },

    /** The slot's report over [from, to] (local days in the workspace's time zone). */
    async report(workspaceId: string, id: string, range: { from: string; to: string; interval: ReportInterval }) {
      const slot = await stored(workspaceId, id);
      const rows = await deps.store.slotReports.rows(workspaceId, slot.id, range);
      return { slot: slot.id, goal: goalOf(slot), ...buildSlotReport(rows, range) };
    },

    /** The slot's stored report rows over [from, to] (not found: the slot does not exist). */
    async reportRows(workspaceId: string, id: string, range: { from: string; to: string }) {
      const slot = await stored(workspaceId, id);
      return { slot: slot.id, rows: await deps.store.slotReports.rows(workspaceId, slot.id, range) };
    },

    /** Today, in the workspace's time zone (the default end of a report). */
    async today(workspaceId: string): Promise<{ day: string; timezone: string }> {
      const timezone = usableZone((await this.settings(workspaceId)).timezone) ?? 'UTC';
      return { day: localDay(deps.now(), timezone), timezone };
    },

    /** The workspace's compiled slots by id and its settings, for decide (cached DECIDE_TTL_MS; see above). */
    forDecide(workspaceId: string): Promise<DecideSnapshot> {
      const hit = snapshots.get(workspaceId);
      if (hit) return hit.snapshot;
      const snapshot = (async () => {
        const [slots, identity, settings] = await Promise.all([deps.store.decisions.listSlots(workspaceId), identityTraits(workspaceId), this.settings(workspaceId)]);
        return { slots: new Map(slots.map((s) => [s.id, { compiled: compile(s, identity), version: s.version }])), settings };
      })();
      snapshots.set(workspaceId, { snapshot });
      snapshot.catch(() => snapshots.delete(workspaceId));
      return snapshot;
    },

    /** The transparency notice for the workspace's slots, in `locale`. */
    async notice(workspaceId: string, locale: Locale): Promise<NoticeEntry[]> {
      return transparencyNotice(await this.compiledSlots(workspaceId), locale);
    },
  };
}

