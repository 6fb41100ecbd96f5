/**
 * Validation of an experiment as sent to the API. Every failing field is named (`variations[1].weight`); nothing
 * is silently changed: weights that do not sum to 1 are refused here, where GrowthBook's SDK would quietly fall
 * back to equal weights.
 */
import type { FieldIssue } from '../errors.js';
import type { Condition } from '../segments/condition.js';
import { trackerKeysOf } from '../segments/segment.js';
import { validateCondition, type ConditionRefs } from '../segments/validate-condition.js';
import { parseTime } from '../time.js';
import { EXPERIMENT_STATUSES, HASH_ATTRIBUTES, type ConversionGoal, type Experiment, type ExperimentStatus, type HashAttribute, type Variation } from './experiment.js';
import { HASH_VERSIONS, type HashVersion } from './hashing.js';
import type { NamespaceRange } from './namespace.js';
import { validateAnalysis, validateBandit, validateMetrics } from './validate-metrics.js';
import { validateOptimisation } from './optimisation-settings.js';

export const EXPERIMENT_KEY = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const VARIATION_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const PROPERTY_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** No C0/C1 control characters (and so no NUL) in any text we keep. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const FIELDS = ['key', 'name', 'description', 'status', 'variations', 'coverage', 'targeting', 'hashAttribute', 'hashVersion', 'seed', 'namespace', 'startAt', 'stopAt', 'goal', 'metrics', 'analysis', 'bandit', 'optimisation'];
/** Kept by the optimiser (the GET answer shows them); a body may not set them. */
const STATE_FIELDS = ['conclusion', 'alerts'];
const MAX_VARIATIONS = 20;
const MAX_WINDOW_HOURS = 24 * 366;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown, max: number, allowEmpty = false): v is string => typeof v === 'string' && v.length <= max && !CONTROL.test(v) && (allowEmpty || v.trim() !== '');
const isFraction = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1;

function time(body: Obj, field: 'startAt' | 'stopAt', issues: FieldIssue[]): number | null {
  const v = body[field];
  if (v === undefined || v === null) return null;
  const parsed = typeof v === 'string' && !CONTROL.test(v) ? parseTime(v) : undefined;
  if (parsed === undefined) { issues.push({ field, reason: 'must be an ISO 8601 date-time string or null' }); return null; }
  return parsed;
}

function variations(v: unknown, issues: FieldIssue[]): Variation[] {
  if (!Array.isArray(v) || v.length < 2 || v.length > MAX_VARIATIONS) { issues.push({ field: 'variations', reason: `must be a list of 2 to ${MAX_VARIATIONS} variations {id, name?, weight}` }); return []; }
  const out: Variation[] = [];
  const seen = new Set<string>();
  v.forEach((item, i) => {
    const at = `variations[${i}]`;
    if (!isObj(item)) { issues.push({ field: at, reason: 'must be an object {id, name?, weight}' }); return; }
    for (const k of Object.keys(item)) if (!['id', 'name', 'weight'].includes(k)) issues.push({ field: `${at}.${k}`, reason: 'is not a field of a variation; expected id, name, weight' });
    if (typeof item.id !== 'string' || !VARIATION_ID.test(item.id)) issues.push({ field: `${at}.id`, reason: 'must be 1 to 64 of A-Z, a-z, 0-9, _, . and -, starting with a letter or digit' });
    else if (seen.has(item.id)) issues.push({ field: `${at}.id`, reason: 'is used by another variation' });
    else seen.add(item.id);
    if (item.name !== undefined && !isText(item.name, 200)) issues.push({ field: `${at}.name`, reason: 'must be a non-empty string of at most 200 characters without control characters' });
    if (!isFraction(item.weight)) issues.push({ field: `${at}.weight`, reason: 'must be a number from 0 to 1' });
    out.push({ id: String(item.id), name: typeof item.name === 'string' ? item.name.trim() : String(item.id), weight: Number(item.weight) });
  });
  const total = out.reduce((s, x) => s + x.weight, 0);
  if (out.length === v.length && out.every((x) => Number.isFinite(x.weight)) && Math.abs(total - 1) > 1e-6) issues.push({ field: 'variations', reason: `the weights must sum to 1; they sum to ${total}` });
  return out;
}

function namespace(v: unknown, issues: FieldIssue[]): NamespaceRange | null {
  if (v === undefined || v === null) return null;
  if (!isObj(v)) { issues.push({ field: 'namespace', reason: 'must be an object {id, start, end} or null' }); return null; }
  for (const k of Object.keys(v)) if (!['id', 'start', 'end'].includes(k)) issues.push({ field: `namespace.${k}`, reason: 'is not a field of a namespace; expected id, start, end' });
  if (!isText(v.id, 64) || !EXPERIMENT_KEY.test(v.id)) issues.push({ field: 'namespace.id', reason: 'must be 1 to 64 of a-z, 0-9, _, . and -' });
  if (!isFraction(v.start)) issues.push({ field: 'namespace.start', reason: 'must be a number from 0 to 1' });
  if (!isFraction(v.end)) issues.push({ field: 'namespace.end', reason: 'must be a number from 0 to 1' });
  if (isFraction(v.start) && isFraction(v.end) && v.start >= v.end) issues.push({ field: 'namespace.end', reason: 'must be greater than namespace.start' });
  return { id: String(v.id), start: Number(v.start), end: Number(v.end) };
}

function goal(v: unknown, issues: FieldIssue[]): ConversionGoal | null {
  if (v === undefined || v === null) return null;
  if (!isObj(v)) { issues.push({ field: 'goal', reason: 'must be an object {event, properties?, windowHours?} or null' }); return null; }
  for (const k of Object.keys(v)) if (!['event', 'properties', 'windowHours'].includes(k)) issues.push({ field: `goal.${k}`, reason: 'is not a field of a goal; expected event, properties, windowHours' });
  if (!isText(v.event, 200)) issues.push({ field: 'goal.event', reason: 'must be the name of a track event: a non-empty string of at most 200 characters without control characters' });
  const properties: Record<string, string> = {};
  if (v.properties !== undefined) {
    if (!isObj(v.properties) || Object.keys(v.properties).length > 10) issues.push({ field: 'goal.properties', reason: 'must be an object of at most 10 property names to the text each must equal' });
    else for (const [name, value] of Object.entries(v.properties)) {
      if (!PROPERTY_NAME.test(name)) issues.push({ field: `goal.properties.${name}`, reason: 'the property name must be 1 to 64 of A-Z, a-z, 0-9 and _, not starting with a digit' });
      else if (!isText(value, 500, true)) issues.push({ field: `goal.properties.${name}`, reason: 'must be a string of at most 500 characters without control characters (it matches string properties)' });
      else properties[name] = value;
    }
  }
  const window = v.windowHours ?? 72;
  if (typeof window !== 'number' || !Number.isInteger(window) || window < 1 || window > MAX_WINDOW_HOURS) issues.push({ field: 'goal.windowHours', reason: `must be a whole number of hours from 1 to ${MAX_WINDOW_HOURS}` });
  return { event: String(v.event), properties, windowHours: Number(window) };
}

/** `key` comes from the body on create and from the path on update (then the body may not name another). */
export function validateExperimentInput(input: unknown, refs: ConditionRefs, options: { key?: string } = {}): { ok: true; experiment: Experiment } | { ok: false; issues: FieldIssue[] } {
  if (!isObj(input)) return { ok: false, issues: [{ field: 'body', reason: 'must be a JSON object {key, name, variations, …}' }] };
  const body = input;
  const issues: FieldIssue[] = [];
  for (const k of Object.keys(body)) if (STATE_FIELDS.includes(k)) issues.push({ field: k, reason: 'is kept by the optimiser and cannot be set; leave it out' });
  else if (!FIELDS.includes(k)) issues.push({ field: k, reason: `is not a field of an experiment; expected ${FIELDS.join(', ')}` });
  const key = options.key ?? body.key;
  if (options.key !== undefined && body.key !== undefined && body.key !== options.key) issues.push({ field: 'key', reason: 'cannot be changed' });
  if (typeof key !== 'string' || !EXPERIMENT_KEY.test(key)) issues.push({ field: 'key', reason: 'must be 1 to 64 of a-z, 0-9, _, . and -, starting with a letter or digit' });
  if (!isText(body.name, 200)) issues.push({ field: 'name', reason: 'must be a non-empty string of at most 200 characters without control characters' });
  if (body.description !== undefined && !isText(body.description, 2000, true)) issues.push({ field: 'description', reason: 'must be a string of at most 2000 characters without control characters' });
  const status = body.status ?? 'draft';
  if (!EXPERIMENT_STATUSES.includes(status as ExperimentStatus)) issues.push({ field: 'status', reason: `must be one of ${EXPERIMENT_STATUSES.join(', ')}` });
  const vars = variations(body.variations, issues);
  const coverage = body.coverage ?? 1;
  if (!isFraction(coverage)) issues.push({ field: 'coverage', reason: 'must be a number from 0 to 1' });
  let targeting: Condition | null = null;
  if (body.targeting !== undefined && body.targeting !== null) {
    const found = validateCondition(body.targeting, refs, 'targeting');
    issues.push(...found);
    if (found.length === 0) {
      targeting = body.targeting as Condition;
      // Event counts are kept only for the event clauses of segments; target a segment that has them instead.
      if (trackerKeysOf(targeting).size > 0) issues.push({ field: 'targeting', reason: 'event clauses are not supported in targeting; define a segment with them and target it with {"segment": {"id": …}}' });
    }
  }
  const hashAttribute = body.hashAttribute ?? 'anonymousId';
  if (!HASH_ATTRIBUTES.includes(hashAttribute as HashAttribute)) issues.push({ field: 'hashAttribute', reason: `must be one of ${HASH_ATTRIBUTES.join(', ')}` });
  const hashVersion = body.hashVersion ?? 2;
  if (!HASH_VERSIONS.includes(hashVersion as HashVersion)) issues.push({ field: 'hashVersion', reason: 'must be 1 or 2 (GrowthBook hash versions)' });
  if (body.seed !== undefined && !isText(body.seed, 200)) issues.push({ field: 'seed', reason: 'must be a non-empty string of at most 200 characters without control characters' });
  const ns = namespace(body.namespace, issues);
  const startAt = time(body, 'startAt', issues);
  const stopAt = time(body, 'stopAt', issues);
  if (startAt !== null && stopAt !== null && stopAt <= startAt) issues.push({ field: 'stopAt', reason: 'must be after startAt' });
  const g = goal(body.goal, issues);
  const metrics = validateMetrics(body.metrics, issues, g ? ['goal'] : []);
  const analysis = validateAnalysis(body.analysis, issues);
  const bandit = validateBandit(body.bandit, vars.length, issues);
  if (bandit && !g && metrics.length === 0 && body.metrics === undefined) issues.push({ field: 'bandit', reason: 'needs a metric to optimise: set goal or metrics (the bandit optimises the first)' });
  const optimisation = validateOptimisation(body.optimisation, [...(g ? ['goal'] : []), ...metrics.map((m) => m.id)], issues);
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    experiment: {
      key: key as string, name: (body.name as string).trim(), description: typeof body.description === 'string' ? body.description : '',
      status: status as ExperimentStatus, variations: vars, coverage: coverage as number, targeting,
      hashAttribute: hashAttribute as HashAttribute, hashVersion: hashVersion as HashVersion, seed: typeof body.seed === 'string' ? body.seed : (key as string),
      namespace: ns, startAt, stopAt, goal: g, metrics, analysis, bandit, optimisation, conclusion: null, alerts: [],
    },
  };
}
