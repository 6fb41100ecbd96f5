/**
 * "Why am I seeing this?" without the tracker (GET/POST /why/{decisionId}; issue 14 §3): the same
 * explanation the decide answer carried, rebuilt from the decision id's sealed parameters in the
 * page's language, the kinds of data used, where the person's data page is, and the "Show me
 * general content instead" control.
 *
 * The control records a withdrawal of the `personalization` purpose in the consent ledger for the
 * decision's person (ordinary consent ingest: the next decide sees it and stays at contextual
 * depth). The form carries a token bound to this decision id (decisionFormToken): a POST needs the
 * page, not only the id. Idempotent: the ledger record's message id derives from the decision id,
 * so a second submission is a duplicate ingest drops, and an already withdrawn purpose records
 * nothing new. A visitor without a profile has nothing to withdraw (the page says so).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { PERSONALIZATION_PURPOSE } from '../core/decisions/creepiness-guard.js';
import { decisionFormToken, type DecisionClaims } from '../core/decisions/decision-id.js';
import type { Explanation } from '../core/decisions/decision.js';
import { explain } from '../core/decisions/explain.js';
import type { Locale } from '../core/decisions/locale.js';
import type { Reason } from '../core/decisions/strategy.js';
import type { Profile } from '../core/profiles/profile.js';
import type { IngestService } from '../ingest/ingest-service.js';
import { findProfile, identifiersOf } from '../links/person.js';
import type { Store } from '../ports/store.js';
import { openDecision, type OpenDecisionDeps } from './open-decision.js';
import type { SlotService } from './slot-service.js';

export interface WhyDeps extends OpenDecisionDeps {
  store: Store;
  slots: SlotService;
  ingest: IngestService;
}

export interface WhyView {
  claims: DecisionClaims;
  explanation: Explanation;
  /** The site's data page (decision settings `privacyUrl`), or null. */
  privacyUrl: string | null;
  /** Whether the page offers the "general content" control, and whether it was used already. */
  person: 'none' | 'personalized' | 'withdrawn';
  formToken: string;
}

export type WithdrawOutcome = 'withdrawn' | 'already' | 'no-person' | 'bad-form' | 'unknown';

export function createWhyDecision(deps: WhyDeps) {
  const personOf = async (claims: DecisionClaims): Promise<Profile | null> => (claims.profileId ? findProfile(deps.store, claims.workspaceId, claims.profileId) : null);
  const withdrawn = (p: Profile) => p.consent?.[PERSONALIZATION_PURPOSE]?.granted === false;

  const reasonOf = async (claims: DecisionClaims): Promise<Reason> => {
    switch (claims.reason.kind) {
      case 'default': return { kind: 'default' };
      case 'interest': return { kind: 'interest', category: claims.reason.category, views: 0 };
      case 'experiment': return { kind: 'experiment', experiment: claims.reason.experiment, variation: claims.reason.variation };
      case 'custom': return { kind: 'custom', text: claims.reason.text, dataKinds: claims.reason.dataKinds };
      case 'rule': {
        const { ruleId } = claims.reason;
        // The slot as it is now: a rule changed or deleted since explains itself in general words.
        const slot = await deps.slots.compiledSlot(claims.workspaceId, claims.slotId).catch(() => null);
        const rule = slot?.rules.find((r) => r.id === ruleId);
        return rule ? { kind: 'rule', rule } : { kind: 'custom', text: { en: 'Chosen for visitors like you.', de: 'Ausgewählt für Besucher wie Sie.' }, dataKinds: [] };
      }
    }
  };

  return {
    /** The page's content, or null for an unknown (malformed, tampered, retired, expired) decision id. */
    async view(decisionId: string, locale: Locale): Promise<WhyView | null> {
      const opened = await openDecision(deps, decisionId);
      if (!opened) return null;
      const { claims, secret } = opened;
      const [reason, person, settings] = await Promise.all([reasonOf(claims), personOf(claims), deps.slots.settings(claims.workspaceId)]);
      return {
        claims, explanation: explain({ reason, locale, recognition: claims.recognition }),
        privacyUrl: settings.privacyUrl ?? null,
        person: !person ? 'none' : withdrawn(person) ? 'withdrawn' : 'personalized',
        formToken: decisionFormToken(decisionId, secret),
      };
    },

    /** The "general content" form. */
    async withdraw(decisionId: string, formToken: unknown, request: { ip?: string; userAgent?: string }): Promise<WithdrawOutcome> {
      const opened = await openDecision(deps, decisionId);
      if (!opened) return 'unknown';
      const expected = Buffer.from(decisionFormToken(decisionId, opened.secret));
      const given = Buffer.from(typeof formToken === 'string' ? formToken : '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad-form';
      const person = await personOf(opened.claims);
      const ids = person ? identifiersOf(person) : null;
      if (!person || !ids || (ids.userId === undefined && ids.anonymousId === undefined)) return 'no-person';
      if (withdrawn(person)) return 'already';
      await deps.ingest.acceptConsent({
        workspaceId: opened.claims.workspaceId,
        body: {
          ...ids, messageId: `why-${createHash('sha256').update(decisionId).digest('base64url').slice(0, 32)}`,
          purposes: { [PERSONALIZATION_PURPOSE]: false }, channel: 'form',
          evidence: { source: 'why-page', slot: opened.claims.slotId, text: 'Show me general content instead' },
        },
        request,
      });
      return 'withdrawn';
    },
  };
}

export type WhyDecision = ReturnType<typeof createWhyDecision>;
