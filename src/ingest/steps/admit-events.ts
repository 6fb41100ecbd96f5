/**
 * Data minimisation at the door (issue 5): before an event touches identities or profiles, the
 * workspace's purposes, data schema and the person's consent decide what of it may be stored
 * (core/privacy/admit-event.ts). Withheld and undeclared data are counted per day for the privacy
 * report. With `erasedIdentifiers: refuse`, an event carrying an erased person's identifier is
 * refused — unless another of its identifiers belongs to a live profile (a shared device: the
 * other person's events are not lost because someone else was erased).
 */
import type { TrackedEvent } from '../../core/events/event.js';
import type { IdentityGuard, IdentityKey } from '../../core/identity/identity-key.js';
import { identityKeyString, IDENTITY_STRENGTH } from '../../core/identity/identity-key.js';
import { admitEvent, eventLabel } from '../../core/privacy/admit-event.js';
import type { Profile } from '../../core/profiles/profile.js';
import type { IngestBatch } from '../ingest-batch.js';
import { identityKeysOf } from './identity-keys-of.js';
import { recordConsent } from './record-consent.js';

export function admitToBatch(batch: IngestBatch, event: TrackedEvent, guard: IdentityGuard): TrackedEvent | null {
  const keys = identityKeysOf(event, guard);
  const owner = ownerOf(batch, keys);
  if (!owner && batch.tombstones.size > 0 && keys.some((k) => batch.tombstones.has(batch.privacy.tombstone(k)))) {
    batch.count('refused_erased', eventLabel(event), event.receivedAt);
    return null;
  }
  const { settings, purposes } = batch.privacy;
  const admission = admitEvent(event, { purposes, schema: settings.schema, consent: owner?.consent ?? {}, gpcPurposes: settings.gpcPurposes });
  for (const w of admission.withheld) batch.count(w.kind === 'event' ? 'withheld_event' : 'withheld_trait', w.name, event.receivedAt);
  if (admission.event === null) {
    // A GPC signal counts even on an event that is not stored: the opt-out is recorded.
    if (owner) recordConsent(batch, event, owner);
    return null;
  }
  for (const u of admission.undeclared) {
    const colon = u.indexOf(':');
    batch.count(u.slice(0, colon) === 'event' ? 'undeclared_event' : 'undeclared_trait', u.slice(colon + 1), event.receivedAt);
  }
  return admission.event;
}

/** The profile the event belongs to, as far as the batch knows: the strongest identifier's owner. */
function ownerOf(batch: IngestBatch, keys: IdentityKey[]): Profile | undefined {
  const sorted = [...keys].sort((a, b) => IDENTITY_STRENGTH[b.kind] - IDENTITY_STRENGTH[a.kind]);
  for (const key of sorted) {
    const owner = batch.owners.get(identityKeyString(key));
    if (owner !== undefined) return batch.profile(owner);
  }
  return undefined;
}
