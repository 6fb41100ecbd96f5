/**
 * Fit scoring: points for who the person is (role, company size, industry), from the profile's
 * current traits. Recomputed in full whenever the profile is scored; it does not decay.
 */
import type { JsonObject } from '../events/event.js';
import type { EpochMs } from '../time.js';
import { describeFilter, matchesFilter } from './filters.js';
import type { ScoringConfig } from './scoring-config.js';
import type { ProfileScores } from './scores.js';

export function computeFit(traits: JsonObject, config: ScoringConfig, at: EpochMs): ProfileScores['fit'] {
  const parts: ProfileScores['fit']['parts'] = [];
  for (const rule of config.fit.rules) {
    const value = Object.hasOwn(traits, rule.trait) ? traits[rule.trait] : undefined;
    if (!matchesFilter(value, rule)) continue;
    parts.push({ ruleId: rule.id, label: rule.label, points: rule.points, reason: `trait ${describeFilter(rule.trait, rule)}` });
  }
  return { total: parts.reduce((sum, p) => sum + p.points, 0), parts, at };
}
