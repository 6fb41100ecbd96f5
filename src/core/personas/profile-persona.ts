/**
 * The `persona` field of a profile: the link person → persona. It lives on the profile (not with
 * the persona aggregates) so that it is shown with the profile, exported with it and erased with
 * it (issue 17 §3).
 */
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
}
