/**
 * One-click micro-surveys: an email shows one question with 2–5 answer links; a click lands on a
 * small page that records the answer with a POST, writes it to the profile as a trait with source
 * `survey:<id>`, and offers the next question the person has not answered yet, or thanks them
 * (a message, or a redirect to an allow-listed page).
 */
import { z } from 'zod';
import type { FieldIssue } from '../errors.js';
import { httpUrlSchema } from '../safe-url.js';

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** Trait names a survey may write: plain names, never an identifier Tessera resolves people by. */
const TRAIT = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const RESERVED_TRAITS = new Set(['email', 'userId', 'user_id', 'anonymousId', 'anonymous_id', 'id']);

const option = z.object({
  value: z.string().min(1).max(200),
  label: z.string().min(1).max(200),
  /** A logo or picture shown with the answer in the email (an http(s) URL). */
  imageUrl: httpUrlSchema(2048).optional(),
}).strict();

const question = z.object({
  id: z.string().regex(ID, 'must be 1–64 letters, digits, _ or -'),
  prompt: z.string().min(1).max(500),
  trait: z.string().regex(TRAIT, 'must be a trait name: a letter, then letters, digits or _').refine((t) => !RESERVED_TRAITS.has(t), 'is an identifier, not a trait a survey may write'),
  options: z.array(option).min(2, 'needs 2 to 5 answers').max(5, 'needs 2 to 5 answers'),
}).strict();

const definition = z.object({
  name: z.string().min(1).max(200),
  questions: z.array(question).min(1).max(20),
  thankYou: z.object({
    message: z.string().min(1).max(1000).default('Thank you for your answer.'),
    /** Where to send the person after the last question (must be an allow-listed domain). */
    redirectUrl: httpUrlSchema(2048).optional(),
  }).strict().default({ message: 'Thank you for your answer.' }),
}).strict();

export type SurveyInput = z.input<typeof definition>;
export interface Survey extends z.output<typeof definition> {
  id: string;
}
export type SurveyQuestion = Survey['questions'][number];

export function isSurveyId(id: string): boolean {
  return ID.test(id);
}

/** Validates an admin's survey definition; issues name the field (`questions.1.options`). */
export function parseSurvey(id: string, input: unknown): { ok: true; survey: Survey } | { ok: false; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  if (!ID.test(id)) issues.push({ field: 'id', reason: 'must be 1–64 letters, digits, _ or -' });
  const parsed = definition.safeParse(input);
  if (!parsed.success) issues.push(...parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', reason: i.message })));
  if (parsed.success) {
    const seen = new Set<string>();
    parsed.data.questions.forEach((q, i) => {
      if (seen.has(q.id)) issues.push({ field: `questions.${i}.id`, reason: 'is used by another question' });
      seen.add(q.id);
      const values = new Set<string>();
      q.options.forEach((o, j) => {
        if (values.has(o.value)) issues.push({ field: `questions.${i}.options.${j}.value`, reason: 'is used by another answer of the question' });
        values.add(o.value);
      });
    });
  }
  if (issues.length > 0 || !parsed.success) return { ok: false, issues };
  return { ok: true, survey: { id, ...parsed.data } };
}

/**
 * The next question to offer after `answeredId`: the first later question whose trait the profile
 * does not hold yet (a question answered elsewhere, e.g. on a form, is never asked again); null
 * when none is left.
 */
export function nextQuestion(survey: Survey, answeredId: string, knownTraits: ReadonlySet<string>): SurveyQuestion | null {
  const index = survey.questions.findIndex((q) => q.id === answeredId);
  return survey.questions.slice(index + 1).find((q) => !knownTraits.has(q.trait)) ?? null;
}

/** The question an email asks: the first whose trait the profile does not hold; null when none is left. */
export function firstUnanswered(survey: Survey, knownTraits: ReadonlySet<string>): SurveyQuestion | null {
  return survey.questions.find((q) => !knownTraits.has(q.trait)) ?? null;
}

/** The input shape, for the API reference (src/http/schemas/bodies.ts generates its JSON Schema). */
export const surveyInputSchema = definition;
