/**
 * The `persona` field of a profile: the link person → persona. It lives on the profile (not with
 * the persona aggregates) so that it is shown with the profile, exported with it and erased with
 * it (issue 17 §3).
 */
import { isGranted, type ConsentState } from '../privacy/consent.js';
import type { Purpose } from '../privacy/purposes.js';
import type { EpochMs } from '../time.js';

export interface ProfilePersona {
  /** The persona model version the probabilities come from. */
  modelVersion: number;
  /** The most probable persona when its probability reaches the model's threshold, else null (unassigned). */
  personaId: string | null;
  probability: number;
  /** Persona id → probability under that model (they sum to 1). */
  probabilities: Record<string, number>;
  at: EpochMs;
  /** The purposes that gave the legal basis for profiling when it was assigned (any one suffices). */
  basis: string[];
}

/**
 * Whether the person's persona link still has a legal basis: one of its purposes rests on
 * legitimate interest, or on consent the person still grants. A withdrawal of profiling consent
 * makes it false, and the link is removed at once (ingest/steps/record-consent.ts).
 */
export function personaLinkStands(link: Pick<ProfilePersona, 'basis'>, consent: ConsentState, purposes: readonly Purpose[]): boolean {
  return link.basis.some((key) => {
    const purpose = purposes.find((p) => p.key === key);
    return purpose !== undefined && (purpose.legalBasis === 'legitimate_interest' || (purpose.legalBasis === 'consent' && isGranted(consent, key)));
  });
}
