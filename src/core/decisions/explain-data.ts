/** The data kinds (data-kinds.ts) a rule reads, derived from its conditions. */
import { leavesOf } from '../segments/segment.js';
import type { Condition } from '../segments/condition.js';
import { contextLeaves, type ContextField } from './context-condition.js';
import type { DataKind } from './data-kinds.js';
import { sortedKinds } from './data-kinds.js';
import type { SlotRule } from './slot.js';

const CONTEXT_KINDS: Readonly<Record<ContextField, DataKind | null>> = {
  url: 'current-page', path: 'current-page', category: 'current-page',
  referrer: 'visit-source', 'utm.source': 'visit-source', 'utm.medium': 'visit-source', 'utm.campaign': 'visit-source', 'utm.content': 'visit-source', 'utm.term': 'visit-source',
  deviceClass: 'device', localHour: 'time', weekday: 'time', country: 'region', recognised: null, locale: 'language',
};

export function profileLeafKind(leaf: Condition, identityTraits: ReadonlySet<string>): DataKind | null {
  if ('trait' in leaf) return identityTraits.has(leaf.trait.key) ? 'identity' : 'given-information';
  if ('event' in leaf || 'sequence' in leaf || 'computed' in leaf) return 'activity';
  if ('page' in leaf) return 'reading-history';
  if ('email' in leaf) return 'email-activity';
  if ('segment' in leaf || 'persona' in leaf) return 'groups';
  if ('lifecycle' in leaf) return 'customer-stage';
  if ('score' in leaf) return 'engagement';
  if ('consent' in leaf) return 'consent-choices';
  return null;
}

export function dataKindsOf(r: SlotRule, identityTraits: ReadonlySet<string>): DataKind[] {
  const kinds: DataKind[] = [];
  if (r.condition) for (const leaf of leavesOf(r.condition)) { const k = profileLeafKind(leaf, identityTraits); if (k) kinds.push(k); }
  if (r.context) for (const leaf of contextLeaves(r.context)) { const k = CONTEXT_KINDS[leaf.field]; if (k) kinds.push(k); }
  if (r.sequence || (r.caps && r.caps.length > 0)) kinds.push('past-exposures');
  return sortedKinds(kinds);
}
