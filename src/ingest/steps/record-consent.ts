/**
 * Consent events change the person's consent state at once (later events of the same batch are
 * admitted under it) and append to the ledger. A Global Privacy Control signal on any event
 * withdraws the configured purposes it still finds granted, recorded in the ledger as channel `gpc`.
 * A change that takes away the legal basis of the person's persona link removes the link at once
 * (GDPR Art. 7(3), 21: profiling stops with the withdrawal, not at the next fit).
 */
import type { TrackedEvent } from '../../core/events/event.js';
import { consentPayload } from '../../core/privacy/consent-event.js';
import { applyConsent, isGranted, type ConsentRecord } from '../../core/privacy/consent.js';
import { personaLinkStands } from '../../core/personas/profile-persona.js';
import type { Profile } from '../../core/profiles/profile.js';
import type { IngestBatch } from '../ingest-batch.js';

export function recordConsent(batch: IngestBatch, event: TrackedEvent, profile: Profile): void {
  if (event.type === 'consent') {
    const payload = consentPayload(event);
    append(batch, profile, event, { purposes: payload.purposes, channel: payload.channel, wording: payload.wording, evidence: payload.evidence, request: payload.request });
    return;
  }
  if (event.context.gpc !== true) return;
  const granted = batch.privacy.settings.gpcPurposes.filter((p) => isGranted(profile.consent, p));
  if (granted.length === 0) return;
  append(batch, profile, event, {
    purposes: Object.fromEntries(granted.map((p) => [p, false])), channel: 'gpc', wording: null,
    evidence: { signal: 'Sec-GPC: 1', messageId: event.messageId }, request: {},
  });
}

function append(batch: IngestBatch, profile: Profile, event: TrackedEvent, change: Pick<ConsentRecord, 'purposes' | 'channel' | 'wording' | 'evidence' | 'request'>): void {
  profile.consent = applyConsent(profile.consent, { purposes: change.purposes, channel: change.channel, messageId: event.messageId, at: event.timestamp });
  if (profile.persona && !personaLinkStands(profile.persona, profile.consent, batch.privacy.settings.purposes)) delete profile.persona;
  batch.consents.push({ workspaceId: batch.workspaceId, profileId: profile.id, messageId: event.messageId, at: event.timestamp, receivedAt: event.receivedAt, ...change });
}
