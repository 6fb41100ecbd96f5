/**
 * Validation of conditions as they arrive over the API: every problem is reported with the path of
 * the node it is about (`condition.and[1].event.within`) and a reason a person can act on. The
 * definitions the condition refers to (other segments, computed traits, consent purposes) are
 * checked against what the workspace has, given in `refs`.
 */
import type { FieldIssue } from '../errors.js';
import { COMPARISON_OPS, type Comparison } from './comparison.js';
import { LEAF_KINDS, type Condition } from './condition.js';
import { DURATION_RULE, parseDuration } from './duration.js';
import { MAX_COUNT } from './event-match.js';
import { parseTime } from '../time.js';

export interface ConditionRefs {
  /** Segment ids that exist (besides the one being validated). */
  segments: ReadonlySet<string>;
  computedTraits: ReadonlySet<string>;
  purposes: ReadonlySet<string>;
  /**
   * The persona ids of the workspace's current persona model; null or absent when it has none
   * yet. With a model, an unknown persona id is refused; without one, any well-formed id
   * (`p1`, `p2`, …) is accepted, so that segments can be defined before the first fit (they have
   * no members until a fit assigns people).
   */
  personas?: ReadonlySet<string> | null;
}

/** The form of persona ids (core/personas/match-personas.ts hands out p1, p2, …). */
export const PERSONA_ID = /^p[1-9][0-9]{0,5}$/;

export const MAX_DEPTH = 12;
export const MAX_NODES = 200;
const EVENT_TYPES = ['track', 'page', 'screen', 'identify', 'group'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  readonly issues: FieldIssue[] = [];
  nodes = 0;
  constructor(readonly refs: ConditionRefs) {}

  fail(field: string, reason: string): false {
    if (this.issues.length < 50) this.issues.push({ field, reason });
    return false;
  }

  /** Refuses keys other than `allowed`. */
  only(node: Obj, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(node)) if (!allowed.includes(key)) this.fail(`${path}.${key}`, `is not a field here; expected one of ${allowed.join(', ')}`);
  }

  text(value: unknown, path: string, max = 200): value is string {
    if (typeof value !== 'string' || value.trim() === '') return this.fail(path, 'must be a non-empty string');
    if (value.length > max) return this.fail(path, `must be at most ${max} characters`);
    return true;
  }

  condition(node: unknown, path: string, depth: number): void {
    if (++this.nodes > MAX_NODES) { if (this.nodes === MAX_NODES + 1) this.fail(path, `the condition has more than ${MAX_NODES} nodes`); return; }
    if (depth > MAX_DEPTH) { this.fail(path, `is nested deeper than ${MAX_DEPTH} levels`); return; }
    if (!isObj(node)) { this.fail(path, 'must be an object with one key: and, or, not, or a leaf kind'); return; }
    const keys = Object.keys(node);
    if (keys.length !== 1) { this.fail(path, `must have exactly one key (and, or, not, ${LEAF_KINDS.join(', ')}); it has ${keys.length}`); return; }
    const kind = keys[0]!;
    const body = node[kind];
    const at = `${path}.${kind}`;
    switch (kind) {
      case 'and': case 'or':
        if (!Array.isArray(body) || body.length === 0) { this.fail(at, 'must be a non-empty array of conditions'); return; }
        body.forEach((child, i) => this.condition(child, `${at}[${i}]`, depth + 1));
        return;
      case 'not': this.condition(body, at, depth + 1); return;
    }
    if (!isObj(body)) { this.fail(at, 'must be an object'); return; }
    switch (kind) {
      case 'trait': case 'computed':
        this.only(body, at, ['key', 'op', 'value', 'values', 'min', 'max']);
        if (this.text(body.key, `${at}.key`) && kind === 'computed' && !this.refs.computedTraits.has(body.key)) this.fail(`${at}.key`, `no computed trait "${body.key}" exists in this workspace`);
        this.comparison(body, at);
        return;
      case 'event':
        this.only(body, at, ['type', 'name', 'where', 'atLeast', 'atMost', 'within', 'before']);
        this.spec(body, at);
        this.counted(body, at);
        return;
      case 'page':
        this.only(body, at, ['url', 'path', 'category', 'atLeast', 'atMost', 'within', 'before']);
        for (const f of ['url', 'path', 'category'] as const) if (body[f] !== undefined) this.text(body[f], `${at}.${f}`, 2000);
        this.counted(body, at);
        return;
      case 'email':
        this.only(body, at, ['action', 'where', 'atLeast', 'atMost', 'within', 'before']);
        if (body.action !== 'opened' && body.action !== 'clicked') this.fail(`${at}.action`, 'must be "opened" or "clicked"');
        this.filters(body.where, `${at}.where`);
        this.counted(body, at);
        return;
      case 'sequence':
        this.only(body, at, ['steps', 'within']);
        if (!Array.isArray(body.steps) || body.steps.length < 2 || body.steps.length > 5) this.fail(`${at}.steps`, 'must be an array of 2 to 5 event specs, in order');
        else body.steps.forEach((step, i) => {
          const p = `${at}.steps[${i}]`;
          if (!isObj(step)) { this.fail(p, 'must be an object'); return; }
          this.only(step, p, ['type', 'name', 'where']);
          this.spec(step, p);
        });
        if (body.within !== undefined && parseDuration(body.within) === undefined) this.fail(`${at}.within`, DURATION_RULE);
        return;
      case 'segment':
        this.only(body, at, ['id']);
        if (this.text(body.id, `${at}.id`) && !this.refs.segments.has(body.id)) this.fail(`${at}.id`, `no segment "${body.id}" exists in this workspace (or it would refer to itself)`);
        return;
      case 'lifecycle':
        this.only(body, at, ['in']);
        if (!Array.isArray(body.in) || body.in.length === 0) this.fail(`${at}.in`, 'must be a non-empty array of stage names');
        else body.in.forEach((s, i) => this.text(s, `${at}.in[${i}]`, 100));
        return;
      case 'score':
        this.only(body, at, ['kind', 'op', 'value', 'min', 'max']);
        if (body.kind !== 'engagement' && body.kind !== 'fit') this.fail(`${at}.kind`, 'must be "engagement" or "fit"');
        if (!['gt', 'gte', 'lt', 'lte', 'between'].includes(String(body.op))) this.fail(`${at}.op`, 'must be one of gt, gte, lt, lte, between');
        else this.comparison(body, at);
        return;
      case 'consent':
        this.only(body, at, ['purpose', 'granted']);
        if (this.text(body.purpose, `${at}.purpose`, 100) && !this.refs.purposes.has(body.purpose)) this.fail(`${at}.purpose`, `no purpose "${body.purpose}" is configured in this workspace`);
        if (typeof body.granted !== 'boolean') this.fail(`${at}.granted`, 'must be true or false');
        return;
      case 'persona': {
        this.only(body, at, ['id', 'minProbability']);
        if (this.text(body.id, `${at}.id`, 20)) {
          const known = this.refs.personas;
          if (!PERSONA_ID.test(body.id)) this.fail(`${at}.id`, 'must be a persona id such as "p2" (GET /v1/personas lists them)');
          else if (known && !known.has(body.id)) this.fail(`${at}.id`, `no persona "${body.id}" in this workspace's current persona model (it has ${[...known].join(', ') || 'none'})`);
        }
        const p = body.minProbability;
        if (p !== undefined && (typeof p !== 'number' || !Number.isFinite(p) || p <= 0 || p > 1)) this.fail(`${at}.minProbability`, 'must be a number above 0 and at most 1');
        return;
      }
      default:
        this.fail(path, `"${kind}" is not a condition; expected and, or, not, ${LEAF_KINDS.join(', ')}`);
    }
  }

  spec(body: Obj, at: string): void {
    const type = body.type ?? 'track';
    if (!EVENT_TYPES.includes(String(type))) this.fail(`${at}.type`, `must be one of ${EVENT_TYPES.join(', ')}`);
    if (body.name !== undefined) this.text(body.name, `${at}.name`);
    else if (type === 'track') this.fail(`${at}.name`, 'is required for track events');
    this.filters(body.where, `${at}.where`);
  }

  filters(where: unknown, at: string): void {
    if (where === undefined) return;
    if (!Array.isArray(where) || where.length > 20) { this.fail(at, 'must be an array of at most 20 property filters'); return; }
    where.forEach((f, i) => {
      const p = `${at}[${i}]`;
      if (!isObj(f)) { this.fail(p, 'must be an object {property, op, value}'); return; }
      this.only(f, p, ['property', 'op', 'value', 'values', 'min', 'max']);
      this.text(f.property, `${p}.property`);
      this.comparison(f, p);
    });
  }

  counted(body: Obj, at: string): void {
    for (const f of ['atLeast', 'atMost'] as const) {
      const v = body[f];
      if (v !== undefined && (!Number.isInteger(v) || (v as number) < 0 || (v as number) > MAX_COUNT)) this.fail(`${at}.${f}`, `must be a whole number from 0 to ${MAX_COUNT}`);
    }
    if (typeof body.atLeast === 'number' && typeof body.atMost === 'number' && body.atLeast > body.atMost) this.fail(`${at}.atMost`, 'must not be less than atLeast');
    for (const f of ['within', 'before'] as const) if (body[f] !== undefined && parseDuration(body[f]) === undefined) this.fail(`${at}.${f}`, DURATION_RULE);
    if (body.within !== undefined && body.before !== undefined) this.fail(`${at}.before`, 'cannot be combined with within; use two conditions');
  }

  comparison(body: Obj, at: string): void {
    const op = body.op as Comparison['op'];
    if (!COMPARISON_OPS.includes(op)) { this.fail(`${at}.op`, `must be one of ${COMPARISON_OPS.join(', ')}`); return; }
    const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
    switch (op) {
      case 'exists': case 'not_exists': return;
      case 'equals': case 'not_equals': case 'contains':
        if (!scalar(body.value)) this.fail(`${at}.value`, 'must be a string, number or boolean');
        return;
      case 'in': case 'not_in': {
        // The list goes in `values`; a list in `value` (as scoring and lifecycle rules write it) is read the same.
        const field = body.values === undefined && Array.isArray(body.value) ? 'value' : 'values';
        const list = body[field];
        if (!Array.isArray(list) || list.length === 0 || list.length > 500 || !list.every(scalar)) this.fail(`${at}.${field}`, 'must be an array of 1 to 500 strings, numbers or booleans');
        else if (field === 'values' && body.value !== undefined) this.fail(`${at}.value`, `must be absent for "${op}" (the list goes in values)`);
        return;
      }
      case 'gt': case 'gte': case 'lt': case 'lte':
        if (typeof body.value !== 'number' || !Number.isFinite(body.value)) this.fail(`${at}.value`, 'must be a number');
        return;
      case 'between':
        if (typeof body.min !== 'number' && typeof body.max !== 'number') this.fail(`${at}.min`, 'between needs min, max or both (numbers)');
        for (const f of ['min', 'max'] as const) if (body[f] !== undefined && (typeof body[f] !== 'number' || !Number.isFinite(body[f]))) this.fail(`${at}.${f}`, 'must be a number');
        if (typeof body.min === 'number' && typeof body.max === 'number' && body.min > body.max) this.fail(`${at}.max`, 'must not be less than min');
        return;
      case 'before': case 'after':
        if (parseTime(body.value) === undefined || typeof body.value !== 'string') this.fail(`${at}.value`, 'must be an ISO-8601 date or time, e.g. "2025-01-31"');
        return;
      case 'within_last': case 'not_within_last':
        if (parseDuration(body.value) === undefined) this.fail(`${at}.value`, DURATION_RULE);
        return;
    }
  }
}

/** Issues of `input` as a condition at `path` (empty: valid, and `input` is a Condition). */
export function validateCondition(input: unknown, refs: ConditionRefs, path = 'condition'): FieldIssue[] {
  const checker = new Checker(refs);
  checker.condition(input, path, 1);
  return checker.issues;
}

export function isCondition(input: unknown, refs: ConditionRefs): input is Condition {
  return validateCondition(input, refs).length === 0;
}

/** The validator's building blocks, for computed-trait definitions (event spec and filters). */
export function validateEventSpec(input: unknown, path: string): FieldIssue[] {
  const checker = new Checker({ segments: new Set(), computedTraits: new Set(), purposes: new Set() });
  if (!isObj(input)) return [{ field: path, reason: 'must be an object {type?, name, where?}' }];
  checker.only(input, path, ['type', 'name', 'where']);
  checker.spec(input, path);
  return checker.issues;
}

/**
 * Issues of one comparison (`{op, value | values | min | max}`) at `path`, with the same rules as
 * in conditions: for other condition languages over values (decisions' context conditions).
 */
export function validateComparison(input: Record<string, unknown>, path: string): FieldIssue[] {
  const checker = new Checker({ segments: new Set(), computedTraits: new Set(), purposes: new Set() });
  checker.comparison(input, path);
  return checker.issues;
}
