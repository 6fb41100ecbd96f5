/**
 * Undoing a wrong merge (POST /v1/profiles/{id}/unmerge). Everything happens in one write
 * transaction that first excludes the workspace's ingest (UnmergeTx.lock), so no event is
 * assigned while identities move. For each merge to undo, latest first:
 *   1. the plan (core/identity/unmerge-plan.ts): which identities, events and consent records go
 *      back to the merged profile, which identities only the wrong merge vouched for;
 *   2. the store moves those rows, revives the merged profile and marks the merge log entry undone;
 *   3. both profiles are re-evaluated (ingest/reevaluate.ts) after their state is rebuilt from
 *      their own events with the functions ingest uses: traits and behaviour (update-profiles.ts),
 *      consent from the ledger, engagement replayed, segment trackers and computed traits, the
 *      lifecycle split (the survivor's stage change recorded as a move); then the derived steps
 *      evaluate scores, stages, segment memberships and write the webhook outbox as for an event.
 * Both profiles get a `Profiles Unmerged` timeline entry.
 */
import { TesseraError } from '../core/errors.js';
import type { StoredEvent, TrackedEvent } from '../core/events/event.js';
import type { IdentityGuard } from '../core/identity/identity-key.js';
import { planUndo, restoredSide, selectMergesToUndo, type MergeLogEntry } from '../core/identity/unmerge-plan.js';
import { splitLifecycle } from '../core/lifecycle/transitions.js';
import { applyConsent, type ConsentState } from '../core/privacy/consent.js';
import type { Profile } from '../core/profiles/profile.js';
import { replayEngagement } from '../core/scoring/engagement.js';
import { rebuildDerived } from '../core/segments/record-event.js';
import type { IngestBatch } from '../ingest/ingest-batch.js';
import type { DerivedSteps } from '../ingest/process-batch.js';
import { reevaluateInTx } from '../ingest/reevaluate.js';
import { identityKeysOf } from '../ingest/steps/identity-keys-of.js';
import { rebuildFromEvents } from '../ingest/steps/update-profiles.js';
import { recordMove } from '../ingest/steps/update-lifecycle.js';
import type { LeadScoringSettingsSource } from '../lead-scoring/lead-scoring-settings.js';
import type { Store, WriteTx } from '../ports/store.js';
import type { PrivacyContexts } from '../privacy/privacy-context.js';
import type { SegmentDefinitionsSource } from '../segments/segment-definitions.js';

export const UNMERGED_ENTRY = 'Profiles Unmerged';

export interface UnmergeDeps {
  store: Store;
  privacy: PrivacyContexts;
  derive: DerivedSteps;
  settings: LeadScoringSettingsSource;
  definitions: SegmentDefinitionsSource;
  guard: IdentityGuard;
  newMessageId: () => string;
  now: () => number;
}

export interface UnmergeRequest {
  workspaceId: string;
  /** The live profile the merge went into (directly or through later merges). */
  profileId: string;
  /** The merged-away profile whose merge is undone. */
  mergedProfileId: string;
  /** Merged profile ids of the later merges that depend on it, undone together. */
  including: readonly string[];
  /** The admin key id. */
  actor: string;
}

export interface UndoneMerge {
  survivorId: string;
  restoredId: string;
  identities: number;
  removedIdentities: number;
  events: number;
}

/** Undoes the merge and the included dependents; returns what each undo moved, in the order done. */
export async function unmerge(deps: UnmergeDeps, request: UnmergeRequest): Promise<UndoneMerge[]> {
  const privacy = await deps.privacy.get(request.workspaceId);
  const [settings, definitions] = await Promise.all([deps.settings.get(request.workspaceId), deps.definitions.get(request.workspaceId)]);
  return deps.store.write(async (tx) => {
    await tx.unmerges.lock(request.workspaceId);
    const log = await mergeLog(tx, request.workspaceId, [request.profileId, request.mergedProfileId]);
    const selection = selectMergesToUndo(log, request.mergedProfileId, request.including);
    if (!selection.ok) throw refusal(selection, request);
    const target = selection.merges.at(-1)!;
    if (liveOf(log, target.survivorId) !== request.profileId) {
      throw new TesseraError('not_found', { message: `Profile ${request.mergedProfileId} was not merged into profile ${request.profileId}.` });
    }
    const done: UndoneMerge[] = [];
    for (const merge of selection.merges) {
      done.push(await undoOne(tx, deps, { merge, log, privacy, settings, definitions, actor: request.actor }));
    }
    return done;
  });
}

/** The merges around the profiles, following every profile they name (bounded: a merge names two). */
async function mergeLog(tx: WriteTx, workspaceId: string, start: string[]): Promise<MergeLogEntry[]> {
  const seen = new Set<string>();
  const found = new Map<number, MergeLogEntry>();
  let pending = start;
  while (pending.length > 0) {
    for (const id of pending) seen.add(id);
    const next = new Set<string>();
    for (const m of await tx.unmerges.merges(workspaceId, pending)) {
      found.set(m.seq, m);
      for (const id of [m.survivorId, m.mergedId]) if (!seen.has(id)) next.add(id);
    }
    pending = [...next];
  }
  return [...found.values()].sort((a, b) => a.seq - b.seq);
}

/** Where a profile's merges in effect lead it: the live profile it is part of now. */
function liveOf(log: readonly MergeLogEntry[], id: string): string {
  let current = id;
  for (let hops = 0; hops < log.length; hops++) {
    const next = log.find((m) => !m.undone && m.mergedId === current);
    if (!next) break;
    current = next.survivorId;
  }
  return current;
}

function refusal(selection: Exclude<ReturnType<typeof selectMergesToUndo>, { ok: true }>, request: UnmergeRequest): TesseraError {
  switch (selection.problem) {
    case 'not_found': return new TesseraError('not_found', { message: `Profile ${request.mergedProfileId} was never merged into another profile.` });
    case 'undone': return new TesseraError('conflict', { message: `The merge of profile ${request.mergedProfileId} was undone already.` });
    case 'not_dependent':
      return new TesseraError('invalid_body', {
        issues: selection.ids.map((id) => ({ field: `including[${request.including.indexOf(id)}]`, reason: `profile ${id} was not merged later in a way that depends on this merge` })),
      });
    case 'dependents':
      return new TesseraError('conflict', {
        message: `Later merges depend on this one; undo them first, or together by listing their merged profiles in "including": ${selection.dependents.map((d) => d.mergedId).join(', ')}.`,
        issues: selection.dependents.map((d) => ({
          field: 'including',
          reason: `must list "${d.mergedId}": merged into profile ${d.survivorId} at ${new Date(d.at).toISOString()}, after this merge and because of it`,
        })),
      });
  }
}

interface UndoContext {
  merge: MergeLogEntry;
  log: readonly MergeLogEntry[];
  privacy: Awaited<ReturnType<PrivacyContexts['get']>>;
  settings: Awaited<ReturnType<LeadScoringSettingsSource['get']>>;
  definitions: Awaited<ReturnType<SegmentDefinitionsSource['get']>>;
  actor: string;
}

async function undoOne(tx: WriteTx, deps: UnmergeDeps, ctx: UndoContext): Promise<UndoneMerge> {
  const { merge } = ctx;
  const workspaceId = merge.workspaceId;
  const survivor = (await tx.loadProfiles(workspaceId, [merge.survivorId])).get(merge.survivorId);
  if (!survivor || survivor.id !== merge.survivorId) throw new Error(`the survivor ${merge.survivorId} of a merge to undo is not live`);
  const events = await tx.unmerges.eventsOf(workspaceId, survivor.id);
  const consents = await tx.unmerges.consentsOf(workspaceId, survivor.id);
  const side = restoredSide(ctx.log, merge);
  const plan = planUndo({
    merge, side, identities: survivor.identities,
    events: events.map((event) => ({ event, originalProfileId: event.originalProfileId })),
    keysOf: (e) => identityKeysOf(e, deps.guard),
  });
  const now = deps.now();
  const cause = `unmerge:${ctx.actor}`;
  await tx.unmerges.apply({
    workspaceId, seq: merge.seq, survivorId: survivor.id, restoredId: merge.mergedId, redirect: [...side].filter((id) => id !== merge.mergedId),
    identities: plan.identities.map(({ kind, value }) => ({ kind, value })), removed: plan.removed.map(({ kind, value }) => ({ kind, value })),
    events: [...plan.events], at: now, cause: `manual:${ctx.actor}`,
  });

  const belongsBack = (e: StoredEvent) => plan.events.has(e.messageId);
  const eventsOf = { restored: events.filter(belongsBack), survivor: events.filter((e) => !belongsBack(e)) };
  const consentOf = (back: boolean) => consents.filter((c) => plan.events.has(c.messageId) === back)
    .reduce<ConsentState>((state, c) => applyConsent(state, c), {});
  await reevaluateInTx(tx, { derive: deps.derive }, {
    workspaceId, profileIds: [survivor.id, merge.mergedId], now, cause,
    prepare: (batch) => {
      const kept = batch.profiles.get(survivor.id);
      const restored = batch.profiles.get(merge.mergedId);
      if (!kept || !restored) throw new Error('an unmerged profile did not load');
      const split = splitLifecycle(kept.lifecycle, { mergedId: merge.mergedId, restored: (m) => plan.events.has(m.cause) });
      restored.createdAt = merge.snapshot.createdAt;
      restored.mergeRefusals = {};
      // Its memberships ended with the merge (their rows were retired): evaluated afresh, it enters again.
      delete restored.segments;
      delete restored.computed;
      rebuild(restored, { events: eventsOf.restored, consent: consentOf(true), ctx, now });
      if (split.restored) restored.lifecycle = split.restored;
      else delete restored.lifecycle;
      rebuild(kept, { events: eventsOf.survivor, consent: consentOf(false), ctx, now });
      moveSurvivorStage(batch, kept, split.survivor, { deps, now, mergedId: merge.mergedId, cause });
      for (const [profile, other] of [[kept, restored], [restored, kept]] as const) {
        batch.assigned.push({ event: unmergedEntry(workspaceId, deps.newMessageId(), now, { survivorId: kept.id, restoredProfileId: restored.id, otherProfileId: other.id, actor: ctx.actor }), profileId: profile.id, originalProfileId: profile.id });
      }
    },
  }, ctx.privacy);
  return { survivorId: survivor.id, restoredId: merge.mergedId, identities: plan.identities.length, removedIdentities: plan.removed.length, events: plan.events.size };
}

/** Rebuilds a profile's own state from its events with the ingest's functions. */
function rebuild(profile: Profile, options: { events: readonly TrackedEvent[]; consent: ConsentState; ctx: UndoContext; now: number }): void {
  rebuildFromEvents(profile, options.events);
  profile.consent = options.consent;
  const scoring = options.ctx.settings.scoring;
  if (scoring.engagement.rules.length + scoring.fit.rules.length > 0 || profile.scores) {
    const sorted = [...options.events].sort((a, b) => a.timestamp - b.timestamp);
    profile.scores = { ...replayEngagement(sorted, scoring, options.now), fit: profile.scores?.fit ?? { total: 0, parts: [], at: options.now } };
  }
  const defs = options.ctx.definitions;
  if (defs.trackers.size > 0 || defs.computed.length > 0 || profile.segments) rebuildDerived(profile, options.events, defs, options.now);
}

/**
 * The survivor keeps the moves of its own events. When that leaves it at another stage than it
 * holds now (the stage came from the merged profile), the change is recorded and announced as a
 * move; with no move of its own left it has no stage, silently (nothing to announce a move to).
 */
function moveSurvivorStage(batch: IngestBatch, kept: Profile, own: Profile['lifecycle'], options: { deps: UnmergeDeps; now: number; mergedId: string; cause: string }): void {
  const current = kept.lifecycle;
  if (!own || !current) { if (own) kept.lifecycle = own; else delete kept.lifecycle; return; }
  kept.lifecycle = { ...own, stage: current.stage, since: current.since, ...(current.checkAt !== undefined ? { checkAt: current.checkAt } : {}) };
  if (own.stage === current.stage) return;
  recordMove(batch, kept, {
    from: current.stage, to: own.stage, at: Math.max(options.now, own.history.at(-1)?.at ?? 0), cause: options.cause,
    reason: `unmerged profile ${options.mergedId}: back to the stage of this profile's own history`,
  }, options.deps.newMessageId(), options.now);
}

function unmergedEntry(workspaceId: string, messageId: string, at: number, properties: Record<string, string>): TrackedEvent {
  return {
    workspaceId, messageId, type: 'system', name: UNMERGED_ENTRY, category: null, anonymousId: null, userId: null, previousId: null, groupId: null,
    properties, traits: {}, context: {}, integrations: {}, timestamp: at, originalTimestamp: null, sentAt: null, receivedAt: at,
  };
}
