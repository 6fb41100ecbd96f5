/**
 * A made-up "typical member" of a persona, for the admin preview of a decision ("view as a
 * persona", decisions/preview-decision.ts): a fresh profile (the core's own constructor) assigned
 * to that persona of the model with probability 1, and nothing else known about them — no traits,
 * no events, no segments, no scores, no identities. So persona rules hold for the persona it is
 * made for (with or without `minProbability`) and for no other, and every other profile rule reads
 * an empty profile.
 *
 * It has granted the `personalization` purpose (without it the creepiness guard caps every decision
 * at `contextual` depth and no persona rule could ever be shown); how well it is recognised is the
 * preview's context (`recognised`), as for a real person. Never stored.
 */
import { PERSONALIZATION_PURPOSE } from '../decisions/creepiness-guard.js';
import { newProfile, type Profile } from '../profiles/profile.js';
import type { EpochMs } from '../time.js';
import type { PersonaModel } from './persona-model.js';

/** The made-up profile's id; it is never a stored profile's (those are `prf_…`). */
export const typicalMemberId = (personaId: string) => `persona:${personaId}`;

export function typicalMember(model: Pick<PersonaModel, 'workspaceId' | 'version' | 'definition'>, personaId: string, at: EpochMs): Profile {
  const profile = newProfile(typicalMemberId(personaId), model.workspaceId, at);
  profile.persona = {
    modelVersion: model.version, personaId, probability: 1, probabilities: { [personaId]: 1 }, at,
    basis: [...model.definition.profilingPurposes],
  };
  profile.consent = { [PERSONALIZATION_PURPOSE]: { granted: true, at, channel: 'api', messageId: 'preview' } };
  return profile;
}
