/**
 * The readable form of a condition, shown back next to the JSON and used as the reason of segment
 * entries and exits, e.g.
 * `Whitepaper Downloaded (topic = "smart factory") at least 2 times within 30 days AND NOT trait contacted_by_sales = true`.
 * `names` supplies segment names for `segment` leaves (ids are shown when unknown).
 */
import { describeComparison } from './comparison.js';
import { emailAsEvent, pageAsEvent, type Condition, type EventCondition, type EventSpec } from './condition.js';
import { describeDuration } from './duration.js';

export function describeCondition(c: Condition, names: (segmentId: string) => string | undefined = () => undefined): string {
  const inner = (child: Condition) => {
    const text = describeCondition(child, names);
    return 'and' in child || 'or' in child ? `(${text})` : text;
  };
  if ('and' in c) return c.and.map(inner).join(' AND ');
  if ('or' in c) return c.or.map(inner).join(' OR ');
  if ('not' in c) return `NOT ${inner(c.not)}`;
  if ('trait' in c) return `trait ${c.trait.key} ${describeComparison(c.trait)}`;
  if ('computed' in c) return `computed trait ${c.computed.key} ${describeComparison(c.computed)}`;
  if ('event' in c) return describeEvent(c.event);
  if ('page' in c) return describeEvent(pageAsEvent(c.page), 'Page viewed');
  if ('email' in c) return describeEvent(emailAsEvent(c.email));
  if ('sequence' in c) {
    const steps = c.sequence.steps.map((s) => describeSpec(s)).join(' THEN ');
    return c.sequence.within ? `${steps}, within ${describeDuration(c.sequence.within)}` : steps;
  }
  if ('segment' in c) {
    const name = names(c.segment.id);
    return name ? `in segment "${name}"` : `in segment ${c.segment.id}`;
  }
  if ('lifecycle' in c) return `lifecycle stage ${c.lifecycle.in.length === 1 ? `= ${JSON.stringify(c.lifecycle.in[0])}` : `in (${c.lifecycle.in.map((s) => JSON.stringify(s)).join(', ')})`}`;
  if ('score' in c) return `${c.score.kind} score ${describeComparison(c.score)}`;
  if ('persona' in c) return c.persona.minProbability === undefined ? `persona ${c.persona.id}` : `persona ${c.persona.id} with probability at least ${c.persona.minProbability}`;
  return `consent for ${c.consent.purpose} ${c.consent.granted ? 'granted' : 'not granted'}`;
}

export function describeSpec(s: EventSpec, fallback?: string): string {
  const what = s.name ?? fallback ?? (s.type === 'page' ? 'Page viewed' : s.type === 'screen' ? 'Screen viewed' : `any ${s.type ?? 'track'} event`);
  const where = (s.where ?? []).map((f) => `${f.property} ${describeComparison(f)}`);
  return where.length ? `${what} (${where.join(', ')})` : what;
}

export function describeEvent(e: EventCondition, fallback?: string): string {
  const parts = [describeSpec(e, fallback)];
  if (e.atLeast !== undefined && e.atMost !== undefined) parts.push(e.atLeast === e.atMost ? `exactly ${times(e.atLeast)}` : `${e.atLeast} to ${e.atMost} times`);
  else if (e.atLeast !== undefined) parts.push(`at least ${times(e.atLeast)}`);
  else if (e.atMost !== undefined) parts.push(`at most ${times(e.atMost)}`);
  if (e.within) parts.push(`within ${describeDuration(e.within)}`);
  if (e.before) parts.push(`before the last ${describeDuration(e.before)}`);
  return parts.join(' ');
}

const times = (n: number) => (n === 1 ? 'once' : `${n} times`);
