/**
 * The `score-sorted` strategy: variants tagged with `categories` are ranked by the person's decayed
 * interest affinity (affinity.ts): a variant scores the sum of its categories' affinities. The best
 * admitted variant with a score above `minScore` wins; ties go to the variant listed first in the
 * slot (deterministic). Without a profile, or without interest, nothing is chosen (the default is
 * shown). Depth `segment`: interest read on the site, no identity.
 *
 *   {"kind":"score-sorted","halfLife":"14d","minScore":0.5}
 *
 * Rules are not used by this strategy (validation refuses them on such a slot).
 */
import type { FieldIssue } from '../../errors.js';
import { DURATION_RULE, parseDuration } from '../../segments/duration.js';
import type { StrategyFactory } from '../strategy.js';
import { categoryAffinities } from './affinity.js';

const DEFAULT_HALF_LIFE = '14d';

export const scoreSortedStrategy: StrategyFactory = {
  kind: 'score-sorted',
  validate(config, slot, path): FieldIssue[] {
    const issues: FieldIssue[] = [];
    for (const k of Object.keys(config)) if (!['kind', 'halfLife', 'minScore'].includes(k)) issues.push({ field: `${path}.${k}`, reason: 'is not an option of score-sorted; expected halfLife, minScore' });
    if (config.halfLife !== undefined && parseDuration(config.halfLife) === undefined) issues.push({ field: `${path}.halfLife`, reason: DURATION_RULE });
    if (config.minScore !== undefined && (typeof config.minScore !== 'number' || !Number.isFinite(config.minScore) || config.minScore < 0)) issues.push({ field: `${path}.minScore`, reason: 'must be a number ≥ 0' });
    if (slot.rules.length > 0) issues.push({ field: 'rules', reason: 'a score-sorted slot chooses by interest; it takes no rules (use a rules slot)' });
    if (!slot.variants.some((v) => v.id !== slot.defaultVariantId && (v.categories?.length ?? 0) > 0)) issues.push({ field: 'variants', reason: 'a score-sorted slot needs variants (besides the default) with categories' });
    return issues;
  },
  create(config, slot) {
    const halfLifeMs = parseDuration(config.halfLife ?? DEFAULT_HALF_LIFE)!;
    const minScore = typeof config.minScore === 'number' ? config.minScore : 0;
    const ranked = slot.variants
      .filter((v) => v.id !== slot.defaultVariantId && (v.categories?.length ?? 0) > 0)
      .map((v, order) => ({ id: v.id, order, categories: [...new Set(v.categories!.map((c) => c.toLowerCase()))] }));
    return {
      kind: 'score-sorted',
      depth: 'segment',
      dataKinds: ['reading-history'],
      choose(input) {
        if (!input.profile) return null;
        const affinities = categoryAffinities(input.profile.behaviour, input.now, halfLifeMs);
        if (affinities.size === 0) return null;
        const scored = ranked.map((v) => {
          let score = 0, top = v.categories[0]!, topScore = -1;
          for (const c of v.categories) {
            const a = affinities.get(c) ?? 0;
            score += a;
            if (a > topScore) { top = c; topScore = a; }
          }
          return { ...v, score, top, topScore };
        }).filter((v) => v.score > minScore);
        scored.sort((a, b) => b.score - a.score || a.order - b.order);
        for (const v of scored) {
          const candidate = {
            variantId: v.id, source: 'score-sorted', depth: 'segment' as const, tags: [], segments: [],
            reason: { kind: 'interest' as const, category: v.top, views: Math.round(v.topScore) },
          };
          const variantId = input.admit(candidate);
          if (variantId !== null) return { variantId, candidate };
        }
        return null;
      },
    };
  },
};
