/**
 * Undoing a wrong merge (POST /v1/profiles/{id}/unmerge). Pure: the caller reads the merge log,
 * the survivor's identities, events and consent records, and applies the plan.
 *
 * Strategy
 * - A merge M (survivor S, merged X) can be undone while it is in effect. A later merge depends
 *   on it when
 *     · S was itself merged into another profile later (S must be live again first), or
 *     · a later merge into S (or into where S went) was proved by an identifier that X brought:
 *       that link exists only because of M.
 *   Dependents of dependents count too. They are undone in the same request, latest first, when
 *   the caller includes them all; otherwise the request is refused and lists them.
 * - What goes back to X ("X's side"): X and the profiles merged into X before M (their redirects
 *   point to X again); the identifiers X held when it was merged (the merge's snapshot); every
 *   event whose original profile is on X's side; events received after M that the identity rules
 *   give to X now (their strongest identifier owned by either side is X's); identifiers that such
 *   events introduced; the consent records of the events that go back.
 * - Identifiers that the merging event itself introduced, and that neither side held before, are
 *   removed: only the wrong merge vouched for them. The next event carrying one links it afresh.
 * - The `Profiles Merged` entry of M names X's identifier: it goes back to X too. Everything else
 *   stays with S: its own events, the merging event and its other timeline entries.
 */
import type { TrackedEvent } from '../events/event.js';
import type { IdentityRecord, MergeRecord } from '../profiles/profile.js';
import { IDENTITY_STRENGTH, identityKeyString, type IdentityKey } from './identity-key.js';

/** The name of the timeline entry a merge writes on its survivor (ingest/steps/resolve-identities.ts). */
export const PROFILES_MERGED_ENTRY = 'Profiles Merged';

/** One merge of the log with its place in the order merges happened. */
export interface MergeLogEntry extends MergeRecord {
  seq: number;
}

export type UndoSelection =
  | { ok: true; merges: MergeLogEntry[] }
  | { ok: false; problem: 'not_found' | 'undone' }
  | { ok: false; problem: 'dependents'; dependents: MergeLogEntry[] }
  | { ok: false; problem: 'not_dependent'; ids: string[] };

/**
 * The merges to undo, latest first: the one that merged `mergedId` and its dependents, which must
 * all be named in `including` (merged profile ids). `log`: every merge that may matter (at least
 * those of the survivor and of every profile it went into), any order.
 */
export function selectMergesToUndo(log: readonly MergeLogEntry[], mergedId: string, including: readonly string[]): UndoSelection {
  const inEffect = log.filter((m) => !m.undone);
  const target = inEffect.find((m) => m.mergedId === mergedId);
  if (!target) return { ok: false, problem: log.some((m) => m.mergedId === mergedId) ? 'undone' : 'not_found' };
  const dependents = dependentsOf(inEffect, target);
  const named = new Set(including);
  const stray = including.filter((id) => !dependents.some((d) => d.mergedId === id));
  if (stray.length > 0) return { ok: false, problem: 'not_dependent', ids: stray };
  if (dependents.some((d) => !named.has(d.mergedId))) return { ok: false, problem: 'dependents', dependents };
  return { ok: true, merges: [target, ...dependents].sort((a, b) => b.seq - a.seq) };
}

/** Later merges that depend on `target`, transitively, oldest first. */
export function dependentsOf(inEffect: readonly MergeLogEntry[], target: MergeLogEntry): MergeLogEntry[] {
  const found = new Map<number, MergeLogEntry>();
  const pending = [target];
  for (let m = pending.pop(); m !== undefined; m = pending.pop()) {
    const brought = new Set(m.snapshot.identities.map(identityKeyString));
    // Where the survivor went afterwards: a merge into any of these, proved by an identifier the
    // merged profile brought, exists because of m.
    const holders = new Set([m.survivorId]);
    for (const later of inEffect) {
      if (later.seq <= m.seq) continue;
      const wentOn = holders.has(later.mergedId);
      const vouched = holders.has(later.survivorId) && brought.has(identityKeyString(later.cause));
      if (wentOn) holders.add(later.survivorId);
      if ((wentOn || vouched) && !found.has(later.seq)) {
        found.set(later.seq, later);
        pending.push(later);
      }
    }
  }
  return [...found.values()].sort((a, b) => a.seq - b.seq);
}

/** X and the profiles merged into it (directly or through another) before `merge`. */
export function restoredSide(log: readonly MergeLogEntry[], merge: MergeLogEntry): Set<string> {
  const side = new Set([merge.mergedId]);
  const earlier = log.filter((m) => !m.undone && m.seq < merge.seq).sort((a, b) => b.seq - a.seq);
  for (let grew = true; grew;) {
    grew = false;
    for (const m of earlier) if (side.has(m.survivorId) && !side.has(m.mergedId)) { side.add(m.mergedId); grew = true; }
  }
  return side;
}

export interface UndoInput {
  merge: MergeLogEntry;
  /** restoredSide(log, merge). */
  side: ReadonlySet<string>;
  /** The survivor's identities now. */
  identities: readonly IdentityRecord[];
  /** The survivor's events now, with the profile each was first stored for. */
  events: ReadonlyArray<{ event: TrackedEvent; originalProfileId: string }>;
  /** The identifiers of an event, as ingest reads them (guard applied). */
  keysOf: (event: TrackedEvent) => IdentityKey[];
}

export interface UndoPlan {
  /** Identities that go back to the restored profile. */
  identities: IdentityRecord[];
  /** Identities the merging event alone introduced: deleted. */
  removed: IdentityRecord[];
  /** Message ids of the events that go back (their consent records go with them). */
  events: Set<string>;
}

export function planUndo(input: UndoInput): UndoPlan {
  const { merge } = input;
  const brought = new Set(merge.snapshot.identities.map(identityKeyString));
  const owner = new Map<string, 'restored' | 'survivor'>();
  const removed: IdentityRecord[] = [];
  for (const i of input.identities) {
    const key = identityKeyString(i);
    if (brought.has(key)) owner.set(key, 'restored');
    else if (i.messageId === merge.messageId) removed.push(i);
    else owner.set(key, 'survivor');
  }
  const events = new Set<string>();
  for (const { event, originalProfileId } of input.events) {
    if (input.side.has(originalProfileId) || isEntryOf(event, merge)) { events.add(event.messageId); continue; }
    if (event.messageId === merge.messageId || event.type === 'system' || event.receivedAt < merge.at) continue;
    if (strongestOwner(input.keysOf(event), owner) === 'restored') events.add(event.messageId);
  }
  const identities = input.identities.filter((i) => {
    const side = owner.get(identityKeyString(i));
    return side === 'restored' || (side === 'survivor' && i.messageId !== null && events.has(i.messageId));
  });
  return { identities, removed, events };
}

/** The timeline entry the merge wrote: it names the merged profile's identifier, so it goes back with it. */
function isEntryOf(event: TrackedEvent, merge: MergeLogEntry): boolean {
  return event.type === 'system' && event.name === PROFILES_MERGED_ENTRY && event.properties.mergedProfileId === merge.mergedId;
}

function strongestOwner(keys: readonly IdentityKey[], owner: ReadonlyMap<string, 'restored' | 'survivor'>): 'restored' | 'survivor' | undefined {
  const owned = keys.filter((k) => owner.has(identityKeyString(k))).sort((a, b) => IDENTITY_STRENGTH[b.kind] - IDENTITY_STRENGTH[a.kind]);
  return owned[0] ? owner.get(identityKeyString(owned[0])) : undefined;
}
