/**
 * The `recommendation` slot strategy (issue 15 §3): a slot whose variants stand for items
 * (`payload.itemId`) shows the variant of the best recommended item the guard and timing admit.
 *
 *   {"kind":"recommendation","recommend":"for-you"}
 *   {"kind":"recommendation","recommend":"also-bought"}   — on a page about an item (context.itemId)
 *
 * The strategy is pure: it asks (`needs.recommendations`) for the visitor's recommended items of
 * its kind, which the decision service loads before deciding (decisions/preview-decision.ts), and
 * walks them best first. Each pick carries the recommendation's reason (en and de) as the
 * explanation. Depth: `for-you` reads the person's own history (`individual`); `popular`,
 * `trending` and the item kinds (`also-bought`, `also-viewed`, `also-read`, `similar`: the
 * neighbours of the item the page is about, `context.itemId`) are chosen by the page, not by what
 * is known of the person (`contextual`: the guard lets them show to anyone; what the person bought
 * is still left out). Without `context.itemId` an item kind recommends nothing: the default shows.
 * Nothing recommended that the slot has a variant for: the default is shown.
 */
import type { FieldIssue } from '../errors.js';
import type { Depth } from '../decisions/depth.js';
import type { LocalizedText } from '../decisions/locale.js';
import type { Variant } from '../decisions/slot.js';
import type { StrategyFactory } from '../decisions/strategy.js';

export const SLOT_RECOMMEND_KINDS = ['for-you', 'popular', 'trending', 'also-bought', 'also-viewed', 'also-read', 'similar'] as const;
type SlotRecommendKind = (typeof SLOT_RECOMMEND_KINDS)[number];

/** One recommended item as the service hands it over (best first). */
export interface PrefetchedRecommendation {
  itemId: string;
  reason: LocalizedText;
}

const DEPTH: Record<SlotRecommendKind, Depth> = {
  'for-you': 'individual', popular: 'contextual', trending: 'contextual', 'also-bought': 'contextual', 'also-viewed': 'contextual', 'also-read': 'contextual', similar: 'contextual',
};

const itemOf = (v: Variant): string | undefined => {
  const p = v.payload;
  return typeof p === 'object' && p !== null && !Array.isArray(p) && typeof (p as Record<string, unknown>).itemId === 'string' ? (p as { itemId: string }).itemId : undefined;
};

export const recommendationStrategy: StrategyFactory = {
  kind: 'recommendation',
  validate(config, slot, path): FieldIssue[] {
    const issues: FieldIssue[] = [];
    for (const k of Object.keys(config)) if (!['kind', 'recommend'].includes(k)) issues.push({ field: `${path}.${k}`, reason: 'is not an option of recommendation; expected recommend' });
    if (!(SLOT_RECOMMEND_KINDS as readonly unknown[]).includes(config.recommend)) issues.push({ field: `${path}.recommend`, reason: `must be one of ${SLOT_RECOMMEND_KINDS.join(', ')}` });
    if (slot.rules.length > 0) issues.push({ field: 'rules', reason: 'a recommendation slot chooses by recommended items; it takes no rules' });
    if (!slot.variants.some((v) => v.id !== slot.defaultVariantId && itemOf(v) !== undefined)) issues.push({ field: 'variants', reason: 'a recommendation slot needs variants (besides the default) with payload.itemId' });
    return issues;
  },
  create(config, slot) {
    const recommend = config.recommend as SlotRecommendKind;
    const depth = DEPTH[recommend];
    const variantOf = new Map<string, string>();
    for (const v of slot.variants) {
      const itemId = itemOf(v);
      if (v.id !== slot.defaultVariantId && itemId !== undefined && !variantOf.has(itemId)) variantOf.set(itemId, v.id);
    }
    const dataKinds = recommend === 'for-you' ? ['activity' as const] : [];
    return {
      kind: 'recommendation',
      depth,
      dataKinds,
      needs: { recommendations: { kind: recommend, limit: Math.min(100, variantOf.size * 2 + 10) } },
      choose(input) {
        const list = Array.isArray(input.prefetched) ? (input.prefetched as PrefetchedRecommendation[]) : [];
        for (const r of list) {
          const variantId = variantOf.get(r.itemId);
          if (variantId === undefined) continue;
          const candidate = { variantId, source: 'recommendation', depth, tags: [], segments: [], reason: { kind: 'custom' as const, text: r.reason, dataKinds: [...dataKinds] } };
          const admitted = input.admit(candidate);
          if (admitted !== null) return { variantId: admitted, candidate };
        }
        return null;
      },
    };
  },
};
