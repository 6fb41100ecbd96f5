/**
 * Incremental persona assignment (issue 17 §2): every profile an event of this batch went to gets
 * its persona probabilities recomputed under the workspace's current model — a few Gaussian
 * densities per profile. A profile without a legal basis for profiling loses its link. Nothing
 * happens without a model, in a re-evaluation without events (the fit's own assignment, which
 * sets the links itself), or when the profile already carries a link of a newer model than the one
 * this server has cached.
 */
import { personaLink } from '../../core/personas/persona-link.js';
import type { PersonaModelsSource } from '../../personas/persona-models.js';
import type { IngestBatch } from '../ingest-batch.js';

export async function assignPersonas(batch: IngestBatch, models: PersonaModelsSource): Promise<void> {
  if (batch.assigned.length === 0) return;
  const prepared = await models.get(batch.workspaceId);
  if (!prepared) return;
  const privacy = { purposes: batch.privacy.settings.purposes, schema: batch.privacy.settings.schema };
  // Features are measured as of the moment the profile's events arrived (the fit measures as of its
  // own start): recency then means the same in both.
  const receivedAt = new Map<string, number>();
  for (const a of batch.assigned) {
    const id = batch.live(a.profileId);
    receivedAt.set(id, Math.max(receivedAt.get(id) ?? -Infinity, a.event.receivedAt));
  }
  for (const [id, at] of receivedAt) {
    const profile = batch.profiles.get(id);
    if (!profile || (profile.persona && profile.persona.modelVersion > prepared.model.version)) continue;
    const link = personaLink(profile, prepared, { privacy, at });
    if (link) profile.persona = link;
    else delete profile.persona;
  }
}
