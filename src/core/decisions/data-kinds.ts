/**
 * The kinds of data a decision used, as shown to the person under "Why?" and in the transparency
 * notice. Coarse on purpose: a person understands "pages you read on this site", not tracker keys.
 */
import type { Locale } from './locale.js';

export const DATA_KINDS = [
  'current-page', 'visit-source', 'device', 'time', 'region', 'language',
  'reading-history', 'activity', 'email-activity', 'given-information', 'identity',
  'groups', 'engagement', 'customer-stage', 'consent-choices', 'past-exposures',
] as const;
export type DataKind = (typeof DATA_KINDS)[number];

const LABELS: Readonly<Record<Locale, Readonly<Record<DataKind, string>>>> = {
  en: {
    'current-page': 'the page you are on', 'visit-source': 'how you came to this site', device: 'your type of device',
    time: 'the time of day', region: 'your country', language: 'your language',
    'reading-history': 'pages you read on this site', activity: 'things you did on this site',
    'email-activity': 'emails you opened or clicked', 'given-information': 'information you gave us',
    identity: 'your name or company', groups: 'groups of visitors you belong to', engagement: 'how active you have been',
    'customer-stage': 'your stage as a customer', 'consent-choices': 'your privacy choices', 'past-exposures': 'what you were shown before',
  },
  de: {
    'current-page': 'die Seite, auf der Sie sind', 'visit-source': 'wie Sie auf diese Seite gekommen sind', device: 'Ihre Geräteart',
    time: 'die Tageszeit', region: 'Ihr Land', language: 'Ihre Sprache',
    'reading-history': 'Seiten, die Sie hier gelesen haben', activity: 'was Sie auf dieser Seite getan haben',
    'email-activity': 'E-Mails, die Sie geöffnet oder angeklickt haben', 'given-information': 'Angaben, die Sie uns gemacht haben',
    identity: 'Ihr Name oder Ihre Firma', groups: 'Besuchergruppen, zu denen Sie gehören', engagement: 'wie aktiv Sie waren',
    'customer-stage': 'Ihr Stand als Kunde', 'consent-choices': 'Ihre Datenschutz-Einstellungen', 'past-exposures': 'was Ihnen zuvor gezeigt wurde',
  },
};

export function dataKindLabel(kind: DataKind, locale: Locale): string {
  return LABELS[locale][kind];
}

/** Kinds in the order of DATA_KINDS, without repeats. */
export function sortedKinds(kinds: Iterable<DataKind>): DataKind[] {
  const set = new Set(kinds);
  return DATA_KINDS.filter((k) => set.has(k));
}
