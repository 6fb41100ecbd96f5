/**
 * Personalization depth: how much a piece of content reveals about what Tessera knows of the
 * person. Ordered from the least to the most revealing:
 *
 * - `none`: the same for everybody.
 * - `contextual`: this page, this visit (URL, referrer, UTM, device, local time, country).
 * - `segment`: a coarse group the person belongs to, or interests read on the site (page categories).
 * - `persona`: a modelled archetype (issue: personas).
 * - `individual`: the person's own identity-level data (name, company, email) or history from
 *   other devices.
 *
 * The creepiness guard (creepiness-guard.ts) computes the allowed depth of a decision and skips
 * every candidate deeper than it.
 */

export const DEPTHS = ['none', 'contextual', 'segment', 'persona', 'individual'] as const;
export type Depth = (typeof DEPTHS)[number];

const RANK: Readonly<Record<Depth, number>> = { none: 0, contextual: 1, segment: 2, persona: 3, individual: 4 };

export const depthRank = (d: Depth): number => RANK[d];
export const isDepth = (v: unknown): v is Depth => typeof v === 'string' && Object.hasOwn(RANK, v);
export const deeperThan = (a: Depth, b: Depth): boolean => RANK[a] > RANK[b];
export const maxDepth = (a: Depth, b: Depth): Depth => (RANK[a] >= RANK[b] ? a : b);
export const minDepth = (a: Depth, b: Depth): Depth => (RANK[a] <= RANK[b] ? a : b);
