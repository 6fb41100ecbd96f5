/**
 * The next-question choice (progressive profiling): which fields of a form one visitor sees now,
 * each with the reason it was chosen. Pure: the caller supplies what the profile knows, the drop-off
 * counters and the time.
 *
 * Strategy:
 * 1. Never ask what the profile already knows, from any source (another form, an identify call, an
 *    email survey, a CRM import): a trait with a value (under the field's key or one of its
 *    `knownAs` names), or a consent purpose already granted.
 * 2. Never ask what the person declined within the form's cool-down (a withdrawn consent counts as
 *    declined at the time of the withdrawal).
 * 3. Fields in `alwaysShow` show when unknown; when known they show pre-filled only to a recognised
 *    visitor (signed link or server-side identify), and are silently skipped otherwise.
 * 4. The rest is ranked by value minus expected drop-off cost, and the best `maxNewQuestions` with a
 *    positive score are asked:
 *      value = weight × stage focus of the field's role × gap factor
 *      cost  = estimated drop-off rate (drop-off.ts) × form.dropOffCost
 *    The stage focus says which roles matter at the lead's lifecycle stage (basics for a new
 *    contact, BANT for a marketing-qualified lead). The gap factor lowers a BANT field whose
 *    criterion another field already answered, and raises the one BANT criterion still missing
 *    when the other three are known (the gap that blocks qualification).
 * Ties keep the definition order, so the choice is deterministic.
 * 5. Never ask for data the workspace may not keep: a field whose purpose has no legal basis for
 *    this visitor (consent-based and not granted) is skipped, unless the form always shows a
 *    consent checkbox for that purpose (the answer is then kept only if it is ticked: submit).
 */
import type { JsonObject } from '../events/event.js';
import type { ConsentState } from '../privacy/consent.js';
import type { EpochMs } from '../time.js';
import { estimateDropOff, type DropOffEstimate, type FieldCounters } from './drop-off.js';
import type { FieldRole, FormDefinition, FormField } from './form-definition.js';

export const BANT_ROLES: readonly FieldRole[] = ['budget', 'authority', 'need', 'timeline'];
const DAY_MS = 86_400_000;

/** What is known about the visitor (null: nobody known, e.g. a first visit or a kiosk). */
export interface VisitorKnowledge {
  traits: JsonObject;
  consent: ConsentState;
  /** Fields declined, by key, with when (profile.declined). */
  declined: Record<string, { at: EpochMs }>;
  /** The lifecycle stage, as found on the profile (unknown data: read defensively). */
  stage?: unknown;
}

export interface ChooseQuestionsInput {
  form: FormDefinition;
  visitor: VisitorKnowledge | null;
  /** Show known `alwaysShow` fields pre-filled (a verified recognition only). */
  recognised: boolean;
  counters: ReadonlyMap<string, FieldCounters>;
  now: EpochMs;
  /** Whether the workspace has a legal basis to keep data of this purpose for this visitor (default: yes). */
  purposeAllowed?: (purpose: string) => boolean;
}

export interface ChosenField {
  field: FormField;
  /** `always`: from alwaysShow; `next`: a new question chosen by rank. */
  kind: 'always' | 'next';
  /** The value known for it (only for pre-filled alwaysShow fields of a recognised visitor). */
  known?: unknown;
  why: string;
  score?: number;
  dropOff?: DropOffEstimate;
}

export interface QuestionPlan {
  fields: ChosenField[];
  /** Fields not shown, with the reason (for the admin preview and tests). */
  skipped: Array<{ key: string; reason: string }>;
  /** The stage used for ranking (read from the profile, or inferred). */
  stage: string;
  /** All four BANT criteria are known. */
  qualified: boolean;
  /** Nothing new is left to ask now. */
  complete: boolean;
}

/** Stage focus per role: how much a role's answer matters at a lifecycle stage. */
const STAGE_FOCUS: Record<string, Partial<Record<FieldRole, number>>> = {
  subscriber: { email: 2, name: 1.5, company: 1.3, role: 1.2, need: 1, authority: 0.8, timeline: 0.7, budget: 0.6 },
  lead: { email: 2, name: 1.2, company: 1.5, role: 1.4, need: 1.3, authority: 1.1, timeline: 1, budget: 0.8 },
  mql: { need: 1.5, timeline: 1.5, budget: 1.4, authority: 1.4, company: 1, role: 1, name: 1, email: 1 },
  sql: { budget: 1.6, timeline: 1.6, authority: 1.3, need: 1.1 },
  opportunity: { budget: 1.6, timeline: 1.6, authority: 1.3, need: 1.1 },
  customer: { need: 1.2, budget: 0.5, authority: 0.5, timeline: 0.5 },
};
const STAGE_ALIASES: Record<string, string> = {
  visitor: 'subscriber', anonymous: 'subscriber', subscriber: 'subscriber', lead: 'lead',
  mql: 'mql', marketing_qualified: 'mql', marketing_qualified_lead: 'mql',
  sql: 'sql', sales_qualified: 'sql', sales_qualified_lead: 'sql', opportunity: 'opportunity', customer: 'customer', evangelist: 'customer',
};

/**
 * A stage name from unknown data (`profile.lifecycle?.stage` of another module): a string, or an
 * object naming it as `key`, `id` or `name`; null when it is none of the stages known here.
 */
export function readStage(value: unknown): string | null {
  let raw: unknown = value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    raw = [o.key, o.id, o.name].find((v) => typeof v === 'string');
  }
  if (typeof raw !== 'string' || raw.length > 100) return null;
  const normalised = raw.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return Object.hasOwn(STAGE_ALIASES, normalised) ? STAGE_ALIASES[normalised]! : null;
}

export function isKnownValue(value: unknown): boolean {
  return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
}

export function chooseQuestions(input: ChooseQuestionsInput): QuestionPlan {
  const { form, visitor, now } = input;
  const traits = visitor?.traits ?? {};
  const knownValue = (f: FormField): unknown => {
    for (const name of [f.key, ...(f.knownAs ?? [])]) if (Object.hasOwn(traits, name) && isKnownValue(traits[name])) return traits[name];
    return undefined;
  };
  const known = (f: FormField) => f.type === 'consent'
    ? visitor !== null && Object.hasOwn(visitor.consent, f.purpose) && visitor.consent[f.purpose]!.granted
    : knownValue(f) !== undefined;
  const declinedAt = (f: FormField): EpochMs | null => {
    const d = visitor && Object.hasOwn(visitor.declined, f.key) ? visitor.declined[f.key]!.at : null;
    const withdrawn = f.type === 'consent' && visitor && Object.hasOwn(visitor.consent, f.purpose) && !visitor.consent[f.purpose]!.granted ? visitor.consent[f.purpose]!.at : null;
    const latest = Math.max(d ?? -Infinity, withdrawn ?? -Infinity);
    return Number.isFinite(latest) && now - latest < form.declineCooldownDays * DAY_MS ? latest : null;
  };

  const stage = readStage(visitor?.stage) ?? (visitor && isKnownValue(traits.email) ? 'lead' : 'subscriber');
  // The browser of an unrecognised visitor may be someone else's: the explanation names no stage
  // of a known person (what a profile knows is never shown without a recognition).
  const stageSource = visitor !== null && !input.recognised ? 'the visitor\'s stage' : readStage(visitor?.stage) ? `stage ${stage}` : `stage ${stage} (inferred)`;
  const bantKnown = new Set<FieldRole>(form.fields.filter((f) => BANT_ROLES.includes(f.role) && known(f)).map((f) => f.role));
  const qualified = BANT_ROLES.every((r) => bantKnown.has(r));

  const fields: ChosenField[] = [];
  const skipped: QuestionPlan['skipped'] = [];
  const ranked: ChosenField[] = [];
  for (const field of form.fields) {
    const always = form.alwaysShow.includes(field.key);
    if (known(field)) {
      if (always && input.recognised) fields.push({ field, kind: 'always', known: field.type === 'consent' ? true : knownValue(field), why: 'always shown; pre-filled for the recognised visitor' });
      else skipped.push({ key: field.key, reason: 'already known' });
      continue;
    }
    if (field.type !== 'consent' && input.purposeAllowed && !input.purposeAllowed(field.purpose) && !consentAsked(form, field.purpose)) {
      skipped.push({ key: field.key, reason: `collected for ${field.purpose}, which needs the person's consent` });
      continue;
    }
    const declined = declinedAt(field);
    if (declined !== null) {
      skipped.push({ key: field.key, reason: `declined on ${new Date(declined).toISOString().slice(0, 10)}; not asked again for ${form.declineCooldownDays} days` });
      continue;
    }
    if (always) { fields.push({ field, kind: 'always', why: 'always shown on this form' }); continue; }
    ranked.push(rank(field, { form, stage, stageSource, bantKnown, counters: input.counters }));
  }
  ranked.sort((a, b) => b.score! - a.score!);
  let asked = 0;
  for (const candidate of ranked) {
    if (candidate.score! <= 0) { skipped.push({ key: candidate.field.key, reason: `not worth the drop-off risk (${candidate.why})` }); continue; }
    if (asked >= form.maxNewQuestions) { skipped.push({ key: candidate.field.key, reason: `ranked below the ${form.maxNewQuestions} questions of this view (${candidate.why})` }); continue; }
    fields.push(candidate);
    asked++;
  }
  const order = new Map(form.fields.map((f, i) => [f.key, i]));
  // Always-shown fields first in definition order, then the new questions by rank.
  fields.sort((a, b) => (a.kind === b.kind ? (a.kind === 'always' ? order.get(a.field.key)! - order.get(b.field.key)! : b.score! - a.score!) : a.kind === 'always' ? -1 : 1));
  const complete = !fields.some((f) => f.known === undefined);
  return { fields, skipped, stage, qualified, complete };
}

/** The form always shows a consent checkbox for this purpose. */
function consentAsked(form: FormDefinition, purpose: string): boolean {
  return form.fields.some((f) => f.type === 'consent' && f.purpose === purpose && form.alwaysShow.includes(f.key));
}

interface RankContext {
  form: FormDefinition;
  stage: string;
  stageSource: string;
  bantKnown: ReadonlySet<FieldRole>;
  counters: ReadonlyMap<string, FieldCounters>;
}

function rank(field: FormField, ctx: RankContext): ChosenField {
  const focus = STAGE_FOCUS[ctx.stage]?.[field.role] ?? 1;
  let gap = 1;
  let gapWhy = field.role === 'other' ? '' : `${field.role} is unknown`;
  if (BANT_ROLES.includes(field.role)) {
    if (ctx.bantKnown.has(field.role)) { gap = 0.25; gapWhy = `BANT ${field.role} is already answered by another field`; }
    else if (BANT_ROLES.filter((r) => r !== field.role).every((r) => ctx.bantKnown.has(r))) { gap = 2; gapWhy = `BANT ${field.role} is the last gap before qualification`; }
    else gapWhy = `BANT ${field.role} is a qualification gap`;
  }
  const dropOff = estimateDropOff(ctx.counters.get(field.key));
  const value = field.weight * focus * gap;
  const cost = dropOff.rate * ctx.form.dropOffCost;
  const score = round(value - cost);
  const measured = dropOff.prior ? 'prior, no data yet' : `${dropOff.failures} of ${dropOff.trials} left`;
  const why = [
    gapWhy,
    `value ${round(value)} (weight ${field.weight} × ${focus} for ${ctx.stageSource}${gap !== 1 ? ` × ${gap}` : ''})`,
    `expected drop-off ${Math.round(dropOff.rate * 100)}% (${measured}) costs ${round(cost)}`,
    `score ${score}`,
  ].filter(Boolean).join('; ');
  return { field, kind: 'next', why, score, dropOff };
}

const round = (n: number) => Math.round(n * 100) / 100;
