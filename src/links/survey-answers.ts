/**
 * Answering a micro-survey from an email (GET shows the answer, POST records it; see
 * core/links/survey.ts). A POST judged a machine's records the event with its verdict and
 * nothing else: no answer row, no trait. An answer token answers once (a second POST of the same
 * token, e.g. a reload, changes nothing and shows the same outcome); another answer link of the
 * same question replaces the trait (the person changed their mind) and, in the survey report,
 * their earlier answer (each person counts once per question; every answer stays in their
 * export). The trait and the event are written first, under message ids derived from the token
 * (a repeat is a duplicate ingest drops), and the answer row last: if ingest fails, nothing is
 * recorded and the person can try again.
 */
import { allowedTarget } from '../core/links/allowed-domains.js';
import { judgeInteraction, DEFAULT_MACHINE_RULES } from '../core/links/machine-verdict.js';
import { nextQuestion, type Survey, type SurveyQuestion } from '../core/links/survey.js';
import { problemOf } from './token-problem.js';
import { recordEmailEvent, type LinkRequest } from './email-events.js';
import type { LinkDeps } from './link-context.js';
import { LINK_TTL_MS } from './link-lifetimes.js';
import { findProfile } from './person.js';

export interface SurveyChoice {
  workspaceId: string;
  survey: Survey;
  question: SurveyQuestion;
  option: SurveyQuestion['options'][number];
  profileId: string;
  tokenId: string;
  issuedAt: number;
  email: string | null;
}

export type SurveyLookup = { ok: true; choice: SurveyChoice } | { ok: false; problem: 'invalid' | 'expired' | 'gone' };

export type AnswerOutcome =
  | { kind: 'next'; survey: Survey; question: SurveyQuestion; answerTokens: Array<{ label: string; imageUrl?: string; token: string }> }
  | { kind: 'thanks'; message: string; redirectUrl: string | null };

export async function lookUpSurveyChoice(deps: LinkDeps, token: string): Promise<SurveyLookup> {
  const verified = await deps.signer.verify(null, token, 'survey');
  if (!verified.ok) return { ok: false, problem: problemOf(verified.reason) };
  const { claims } = verified;
  const data = claims.data ?? {};
  const survey = await deps.store.emails.getSurvey(claims.workspaceId, String(data.survey));
  const question = survey?.questions.find((q) => q.id === data.question);
  const option = question?.options.find((o) => o.value === data.answer);
  if (!survey || !question || !option) return { ok: false, problem: 'gone' };
  return {
    ok: true,
    choice: { workspaceId: claims.workspaceId, survey, question, option, profileId: claims.recipient, tokenId: claims.id, issuedAt: claims.issuedAt, email: typeof data.email === 'string' ? data.email : null },
  };
}

export async function answerSurvey(deps: LinkDeps, choice: SurveyChoice, request: LinkRequest): Promise<AnswerOutcome | { kind: 'gone' }> {
  const profile = await findProfile(deps.store, choice.workspaceId, choice.profileId);
  if (!profile) return { kind: 'gone' };
  const settings = await deps.settings.get(choice.workspaceId);
  const verdict = judgeInteraction({ kind: 'survey', userAgent: request.userAgent, ip: request.ip, at: deps.now(), sentAt: choice.issuedAt, prefetch: request.prefetch },
    { ...DEFAULT_MACHINE_RULES, scannerNetworks: settings.scannerNetworks });
  const properties = { survey_id: choice.survey.id, question_id: choice.question.id, answer: choice.option.value, trait: choice.question.trait, ...(choice.email ? { email_id: choice.email } : {}) };
  const base = { workspaceId: choice.workspaceId, profile, name: 'Survey Answered', request, verdict };
  const dedupeKey = `survey-${choice.tokenId}`;
  if (verdict.machine) {
    await recordEmailEvent(deps.ingest, { ...base, properties, dedupeKey: `${dedupeKey}-machine` });
  } else {
    await recordEmailEvent(deps.ingest, { ...base, properties, traits: { [choice.question.trait]: choice.option.value }, traitSource: `survey:${choice.survey.id}`, dedupeKey });
    // The report counts each person's latest answer to a question (by answeredAt): a changed answer
    // is given a time after the one it replaces, even within the same millisecond.
    const earlier = (await deps.store.emails.answersOf(choice.workspaceId, [profile.id]))
      .filter((x) => x.surveyId === choice.survey.id && x.questionId === choice.question.id && x.tokenId !== choice.tokenId);
    const answeredAt = Math.max(deps.now(), ...earlier.map((x) => x.answeredAt + 1));
    await deps.store.emails.recordAnswer({
      workspaceId: choice.workspaceId, tokenId: choice.tokenId, surveyId: choice.survey.id, questionId: choice.question.id, profileId: profile.id,
      answer: choice.option.value, messageId: choice.email, answeredAt,
    });
  }
  const known = new Set(Object.keys(profile.traits));
  if (!verdict.machine) known.add(choice.question.trait);
  const next = nextQuestion(choice.survey, choice.question.id, known);
  if (next) {
    const answerTokens = await Promise.all(next.options.map(async (o) => ({
      label: o.label, ...(o.imageUrl ? { imageUrl: o.imageUrl } : {}),
      token: await deps.signer.sign(choice.workspaceId, {
        purpose: 'survey', recipient: profile.id, ttlMs: LINK_TTL_MS.survey,
        data: { survey: choice.survey.id, question: next.id, answer: o.value, ...(choice.email ? { email: choice.email } : {}) },
      }),
    })));
    return { kind: 'next', survey: choice.survey, question: next, answerTokens };
  }
  const redirect = choice.survey.thankYou.redirectUrl;
  // The parsed URL's serialisation (ASCII): it goes into a Location header.
  return { kind: 'thanks', message: choice.survey.thankYou.message, redirectUrl: redirect ? allowedTarget(redirect, settings.allowedDomains)?.href ?? null : null };
}
