/**
 * Property-style check of the identity policy: random event sequences over a small id space (so
 * that ids collide often), each decision applied to an in-memory model as ingest applies it, and
 * after every event the invariants of the identity graph:
 *   1. each identifier is owned by at most one profile;
 *   2. no profile holds more identifiers of a kind than its cap;
 *   3. a profile holds two userIds only if explicit aliases connect them;
 *   4. a decision only attaches unowned identifiers and only merges other, existing profiles;
 *   5. every identifier of the event ends up with the target, or is reported as refused;
 *   6. the same event again attaches and merges nothing.
 * Seeds are fixed: a failure names its seed and step, and replays identically.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDENTITY_KINDS, identityKeyString, type IdentityKey } from '../../../src/core/identity/identity-key.js';
import { resolveIdentity } from '../../../src/core/identity/resolve-identity.js';
import { seededRandom } from '../fixtures.js';
import { applyDecision, inputFor, notation, type EventSpec, type World } from './identity-world.js';

const CAPS = { user_id: 2, email: 2, anonymous_id: 3 };
const USERS = ['u1', 'u2', 'u3', 'u4'];
const EMAILS = ['e1@example.com', 'e2@example.com', 'e3@example.com'];
const DEVICES = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6'];

/** Union-find over userId values, joined by alias events. */
class AliasGraph {
  private parent = new Map<string, string>();
  find(x: string): string {
    const p = this.parent.get(x) ?? x;
    if (p === x) return x;
    const root = this.find(p);
    this.parent.set(x, root);
    return root;
  }
  union(a: string, b: string): void { this.parent.set(this.find(a), this.find(b)); }
}

type Pick = <T>(items: readonly T[]) => T;

/** A random event, with the keys ingest would derive from it (alias: previousId's owned kinds). */
function randomEvent(random: () => number, pick: Pick, w: World): EventSpec & { aliasPreviousValue?: string } {
  if (random() < 0.12) {
    const userId = pick(USERS);
    const previousValue = random() < 0.5 ? pick(USERS) : pick(DEVICES);
    if (previousValue === userId) return { keys: [`u:${userId}`] };
    const owned = (['u', 'a'] as const).map((p) => `${p}:${previousValue}`).filter((k) => ownerOf(w, k) !== undefined);
    const previous = owned.length > 0 ? owned : [`a:${previousValue}`];
    const device = random() < 0.6 ? [`a:${pick(DEVICES)}`] : [];
    const keys = [...new Set([`u:${userId}`, ...device, ...previous])];
    return { keys, alias: { userId: `u:${userId}`, previous }, aliasPreviousValue: previousValue };
  }
  const keys: string[] = [];
  if (random() < 0.85) keys.push(`a:${pick(DEVICES)}`);
  if (random() < 0.45) keys.push(`u:${pick(USERS)}`);
  if (random() < 0.3) keys.push(`e:${pick(EMAILS)}`);
  if (keys.length === 0) keys.push(`a:${pick(DEVICES)}`);
  return { keys };
}

function ownerOf(w: World, k: string): string | undefined {
  for (const [id, keys] of w) if (keys.some((o) => notation(o) === k)) return id;
  return undefined;
}

function checkInvariants(w: World, aliases: AliasGraph, where: string): void {
  const seen = new Map<string, string>();
  for (const [id, keys] of w) {
    for (const k of keys) {
      const s = identityKeyString(k);
      assert.ok(!seen.has(s), `${where}: ${s} is owned by ${seen.get(s)} and ${id}`);
      seen.set(s, id);
    }
    for (const kind of IDENTITY_KINDS) {
      const n = keys.filter((k) => k.kind === kind).length;
      assert.ok(n <= CAPS[kind], `${where}: ${id} holds ${n} ${kind} identities (cap ${CAPS[kind]})`);
    }
    const roots = new Set(keys.filter((k) => k.kind === 'user_id').map((k) => aliases.find(k.value)));
    assert.ok(roots.size <= 1, `${where}: ${id} holds unaliased userIds ${keys.filter((k) => k.kind === 'user_id').map((k) => k.value).join(', ')}`);
  }
}

function runSequence(seed: number, steps: number): void {
  const random = seededRandom(seed);
  const pick: Pick = (items) => items[Math.floor(random() * items.length)]!;
  const w: World = new Map();
  const aliases = new AliasGraph();
  let next = 0;
  for (let step = 0; step < steps; step++) {
    const where = `seed ${seed}, step ${step}`;
    const spec = randomEvent(random, pick, w);
    spec.caps = CAPS;
    if (spec.alias && spec.aliasPreviousValue !== undefined) {
      // The alias states that userId is previousId, and so whoever previousId's profile is.
      const user = spec.alias.userId.slice(2);
      aliases.union(user, spec.aliasPreviousValue);
      for (const p of spec.alias.previous) {
        const owner = ownerOf(w, p);
        for (const k of owner ? w.get(owner)! : []) if (k.kind === 'user_id') aliases.union(user, k.value);
      }
    }
    const input = inputFor(w, spec);
    const decision = resolveIdentity(input);
    for (const k of decision.attach) assert.equal(input.owners.get(identityKeyString(k)), undefined, `${where}: attached an owned key`);
    for (const [id] of decision.merge) {
      assert.ok(w.has(id), `${where}: merged unknown profile ${id}`);
      assert.notEqual(id, decision.profileId, `${where}: merged the target into itself`);
    }
    const target = applyDecision(w, decision, () => `P${next++}`);
    const refused = new Set(decision.refused.map((r) => identityKeyString(r.key)));
    for (const k of input.keys) {
      const s = identityKeyString(k);
      assert.ok(refused.has(s) || w.get(target)!.some((o: IdentityKey) => identityKeyString(o) === s), `${where}: ${s} neither with the target nor refused`);
    }
    checkInvariants(w, aliases, where);
    const again = resolveIdentity(inputFor(w, spec));
    assert.equal(again.profileId, target, `${where}: the same event went elsewhere the second time`);
    assert.deepEqual([again.attach.length, again.merge.size], [0, 0], `${where}: not idempotent`);
  }
}

describe('identity graph invariants over random event sequences', () => {
  it('hold for 300 sequences of 60 events', () => {
    for (let seed = 1; seed <= 300; seed++) runSequence(seed, 60);
  });

  it('the generator does exercise merges, refusals, aliases and caps', () => {
    // Guards the property test itself: if the generator never produced these, it would prove nothing.
    const random = seededRandom(7);
    const pick: Pick = (items) => items[Math.floor(random() * items.length)]!;
    const w: World = new Map();
    const seen = { merge: 0, refusedUser: 0, refusedCap: 0, alias: 0 };
    let next = 0;
    for (let step = 0; step < 2000; step++) {
      const spec = { ...randomEvent(random, pick, w), caps: CAPS };
      const d = resolveIdentity(inputFor(w, spec));
      seen.merge += d.merge.size;
      seen.refusedUser += d.refused.filter((r) => /different known users/.test(r.reason)).length;
      seen.refusedCap += d.refused.filter((r) => /cap is/.test(r.reason)).length;
      if (spec.alias && d.merge.size > 0) seen.alias++;
      applyDecision(w, d, () => `P${next++}`);
    }
    for (const [what, n] of Object.entries(seen)) assert.ok(n > 0, `${what} never happened`);
  });
});
