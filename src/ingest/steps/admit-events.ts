/**
 * Data minimisation at the door (issue 5): before an event touches identities or profiles, the
 * workspace's purposes, data schema and the person's consent decide what of it may be stored
 * (core/privacy/admit-event.ts). Withheld and undeclared data are counted per day for the privacy
 * report. With `erasedIdentifiers: refuse`, events carrying an erased person's identifier are
 * refused.
 */
import type { TrackedEvent } from '../../core/events/event.js';
import type { IdentityGuard, IdentityKey } from '../../core/identity/identity-key.js';
import { identityKeyString, IDENTITY_STRENGTH } from '../../core/identity/identity-key.js';
import { admitEvent, eventLabel } from '../../core/privacy/admit-event.js';
import type { ConsentState } from '../../core/privacy/consent.js';
import type { IngestBatch } from '../ingest-batch.js';
import { identityKeysOf } from './identity-keys-of.js';

export function admitToBatch(batch: IngestBatch, event: TrackedEvent, guard: IdentityGuard): TrackedEvent | null {
  const keys = identityKeysOf(event, guard);
  if (batch.tombstones.size > 0 && keys.some((k) => batch.tombstones.has(batch.privacy.tombstone(k)))) {
    batch.count('refused_erased', eventLabel(event), event.receivedAt);
    return null;
  }
  const { settings, purposes } = batch.privacy;
  const admission = admitEvent(event, { purposes, schema: settings.schema, consent: consentOf(batch, keys), gpcPurposes: settings.gpcPurposes });
  for (const w of admission.withheld) batch.count(w.kind === 'event' ? 'withheld_event' : 'withheld_trait', w.name, event.receivedAt);
  for (const u of admission.undeclared) {
    const colon = u.indexOf(':');
    batch.count(u.slice(0, colon) === 'event' ? 'undeclared_event' : 'undeclared_trait', u.slice(colon + 1), event.receivedAt);
  }
  return admission.event;
}

/** The consent of the person the event belongs to, as far as the batch knows: the strongest identifier's profile. */
function consentOf(batch: IngestBatch, keys: IdentityKey[]): ConsentState {
  const sorted = [...keys].sort((a, b) => IDENTITY_STRENGTH[b.kind] - IDENTITY_STRENGTH[a.kind]);
  for (const key of sorted) {
    const owner = batch.owners.get(identityKeyString(key));
    if (owner !== undefined) return batch.profile(owner).consent;
  }
  return {};
}
