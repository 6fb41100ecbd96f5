/**
 * "Why am I seeing this?" — the explanation for the person, in their language (en, de), built from
 * the reason the content was chosen:
 *
 * - a rule's own text (`explanation` per locale; English when the locale's is missing);
 * - else generated from the rule's positive conditions (a NOT clause explains nothing), the most
 *   telling first: pages read about a category ("Because you read 3 articles about smart
 *   factories"), an event about a topic, emails, customer stage, groups, engagement, given
 *   information, then the visit (country: "Popular with visitors from your region"; page; source;
 *   device; time; language); a rule without conditions is "Shown to everyone";
 * - the score-sorted strategy's interest ("Because you often read about …");
 * - an experiment's arm: "Shown to a random share of visitors" (no data about the person chose it);
 * - the default (also for the global holdout): "Shown to everyone".
 *
 * Never revealing what the person did not give on this device: generated texts never echo a
 * trait value, name, company or email (only the admin's own words: categories and topics in the
 * rule), and for a visitor recognised by a cookie only (or not at all) they omit counts and the
 * `identity` data kind. The counts of a profile may include other devices' activity after a merge;
 * the person holding this device must not learn it from the explanation.
 */
import type { Condition } from '../segments/condition.js';
import type { ContextLeaf, ContextCondition } from './context-condition.js';
import type { CompiledRule } from './compile-slot.js';
import { dataKindLabel, type DataKind } from './data-kinds.js';
import type { Recognition } from './decision-context.js';
import type { Explanation } from './decision.js';
import type { Locale } from './locale.js';
import type { Reason } from './strategy.js';

type Phrase = (locale: Locale, detailed: boolean) => string;
const t = (en: string, de: string): Phrase => (l) => (l === 'de' ? de : en);

const EVERYONE = t('Shown to everyone.', 'Wird allen angezeigt.');
const EXPERIMENT = t('Shown to a random share of visitors, to compare versions of this content.', 'Einem zufälligen Teil der Besucher gezeigt, um Fassungen dieses Inhalts zu vergleichen.');
const PHRASES = {
  event: t('Because of what you did on this site.', 'Wegen Ihrer Aktivität auf dieser Seite.'),
  email: t('Because of emails from us you read.', 'Wegen E-Mails von uns, die Sie gelesen haben.'),
  lifecycle: t('Chosen for customers at your stage.', 'Ausgewählt für Kunden in Ihrer Phase.'),
  segment: t('Shown to visitors with similar interests.', 'Wird Besuchern mit ähnlichen Interessen angezeigt.'),
  score: t('Because you have been active on our site.', 'Weil Sie auf unserer Seite aktiv waren.'),
  trait: t('Based on information you gave us.', 'Auf Grundlage Ihrer Angaben.'),
  country: t('Popular with visitors from your region.', 'Beliebt bei Besuchern aus Ihrer Region.'),
  page: t('Because of the page you are on.', 'Wegen der Seite, die Sie gerade ansehen.'),
  source: t('Because of how you came to this site.', 'Weil Sie über diesen Weg auf die Seite gekommen sind.'),
  device: t('Chosen for your type of device.', 'Ausgewählt für Ihre Geräteart.'),
  time: t('Chosen for this time of day.', 'Ausgewählt für diese Tageszeit.'),
  language: t('Chosen for your language.', 'Ausgewählt für Ihre Sprache.'),
  fallback: t('Chosen for visitors like you.', 'Ausgewählt für Besucher wie Sie.'),
} satisfies Record<string, Phrase>;

export interface ExplainInput {
  reason: Reason;
  locale: Locale;
  recognition: Recognition;
}

export function explain(i: ExplainInput): Explanation {
  const detailed = i.recognition === 'signed' || i.recognition === 'login';
  let text: string;
  let kinds: readonly DataKind[] = [];
  switch (i.reason.kind) {
    case 'default': text = EVERYONE(i.locale, detailed); break;
    case 'experiment': text = EXPERIMENT(i.locale, detailed); break;
    case 'interest':
      text = i.locale === 'de' ? `Weil Sie oft Beiträge zu „${i.reason.category}“ lesen.` : `Because you often read about ${i.reason.category}.`;
      kinds = ['reading-history'];
      break;
    case 'custom': text = i.reason.text[i.locale] ?? i.reason.text.en; kinds = i.reason.dataKinds; break;
    case 'rule': {
      const rule = i.reason.rule;
      const own = rule.rule.explanation;
      text = own ? own[i.locale] ?? own.en : ruleText(rule, i.locale, detailed);
      kinds = rule.dataKinds;
      break;
    }
  }
  const dataKinds = detailed ? [...kinds] : kinds.filter((k) => k !== 'identity');
  return { locale: i.locale, text, dataKinds, dataKindLabels: dataKinds.map((k) => dataKindLabel(k, i.locale)) };
}

function ruleText(rule: CompiledRule, locale: Locale, detailed: boolean): string {
  const profile = rule.rule.condition ? positiveLeaves(rule.rule.condition) : [];
  const context = rule.rule.context ? positiveContext(rule.rule.context) : [];
  if (profile.length === 0 && context.length === 0) return rule.rule.condition || rule.rule.context ? PHRASES.fallback(locale, detailed) : EVERYONE(locale, detailed);
  for (const leaf of profile) if ('page' in leaf && leaf.page.category) return readArticles(leaf.page.category, detailed ? leaf.page.atLeast ?? 1 : null, locale);
  for (const leaf of profile) {
    if (!('event' in leaf)) continue;
    const topic = leaf.event.where?.find((w) => w.op === 'equals' && typeof w.value === 'string' && TOPIC_PROPERTIES.has(w.property.toLowerCase()));
    if (topic) return locale === 'de' ? `Weil Sie sich für „${String(topic.value)}“ interessiert haben.` : `Because you showed interest in ${String(topic.value)}.`;
  }
  const order: Array<[(l: Condition) => boolean, Phrase]> = [
    [(l) => 'page' in l || 'event' in l || 'sequence' in l || 'computed' in l, PHRASES.event],
    [(l) => 'email' in l, PHRASES.email],
    [(l) => 'lifecycle' in l, PHRASES.lifecycle],
    [(l) => 'segment' in l || 'persona' in l, PHRASES.segment],
    [(l) => 'score' in l, PHRASES.score],
    [(l) => 'trait' in l, PHRASES.trait],
  ];
  for (const [test, phrase] of order) if (profile.some(test)) return phrase(locale, detailed);
  const fields = new Set(context.map((l) => l.field));
  if (fields.has('country')) return PHRASES.country(locale, detailed);
  if (fields.has('path') || fields.has('url') || fields.has('category')) return PHRASES.page(locale, detailed);
  if ([...fields].some((f) => f === 'referrer' || f.startsWith('utm.'))) return PHRASES.source(locale, detailed);
  if (fields.has('deviceClass')) return PHRASES.device(locale, detailed);
  if (fields.has('localHour') || fields.has('weekday')) return PHRASES.time(locale, detailed);
  if (fields.has('locale')) return PHRASES.language(locale, detailed);
  return PHRASES.fallback(locale, detailed);
}

const TOPIC_PROPERTIES = new Set(['topic', 'category', 'subject', 'product', 'interest']);

function readArticles(category: string, count: number | null, locale: Locale): string {
  if (locale === 'de') {
    if (count === null) return `Weil Sie Artikel über „${category}“ gelesen haben.`;
    return `Weil Sie ${count === 1 ? 'einen Artikel' : `${count} Artikel`} über „${category}“ gelesen haben.`;
  }
  if (count === null) return `Because you read articles about ${category}.`;
  return `Because you read ${count === 1 ? 'an article' : `${count} articles`} about ${category}.`;
}

/** Leaves not under a NOT. */
function positiveLeaves(c: Condition, out: Condition[] = []): Condition[] {
  if ('and' in c) for (const child of c.and) positiveLeaves(child, out);
  else if ('or' in c) for (const child of c.or) positiveLeaves(child, out);
  else if (!('not' in c) && !('consent' in c)) out.push(c);
  return out;
}

function positiveContext(c: ContextCondition, out: ContextLeaf[] = []): ContextLeaf[] {
  if ('and' in c) for (const child of c.and) positiveContext(child, out);
  else if ('or' in c) for (const child of c.or) positiveContext(child, out);
  else if (!('not' in c) && c.field !== 'recognised') out.push(c);
  return out;
}
