/**
 * Purposes of processing (GDPR Art. 5(1)(b) purpose limitation, Art. 6 lawfulness). A workspace
 * declares why it processes data, on which legal basis, and for how long. Data may be stored only
 * for a purpose that has a legal basis for this person now:
 *   - `consent` (Art. 6(1)(a)): only while the person's consent for the purpose stands;
 *   - `contract`, `legitimate_interest`, `legal_obligation` (Art. 6(1)(b), (f), (c)): always,
 *     within the retention period.
 * The defaults keep first-party, pseudonymous analytics on legitimate interest and everything that
 * acts on a person (personalization, profiling, email marketing, advertising) on consent. A data
 * protection officer changes them per workspace.
 */

export const LEGAL_BASES = ['consent', 'contract', 'legitimate_interest', 'legal_obligation'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

export interface Purpose {
  key: string;
  name: string;
  description: string;
  legalBasis: LegalBasis;
  /** Data kept for this purpose is purged this many days after it was collected. */
  retentionDays: number;
}

export const DEFAULT_PURPOSES: readonly Purpose[] = [
  { key: 'necessary', name: 'Necessary', description: 'Providing what the person asked for: answering a form, delivering a download, keeping their account.', legalBasis: 'contract', retentionDays: 730 },
  { key: 'analytics', name: 'Analytics', description: 'First-party, pseudonymous measurement of how the site and emails are used.', legalBasis: 'legitimate_interest', retentionDays: 395 },
  { key: 'personalization', name: 'Personalization', description: 'Adapting content and recommendations to the person.', legalBasis: 'consent', retentionDays: 395 },
  { key: 'profiling', name: 'Profiling', description: 'Segments, scores, lifecycle stages and personas built from behaviour.', legalBasis: 'consent', retentionDays: 395 },
  { key: 'email_marketing', name: 'Email marketing', description: 'Newsletters and nurture emails, and measuring their opens and clicks.', legalBasis: 'consent', retentionDays: 730 },
  { key: 'advertising', name: 'Advertising', description: 'Advertising audiences and sharing with advertising partners.', legalBasis: 'consent', retentionDays: 180 },
];

export const DAY_MS = 24 * 60 * 60 * 1000;
