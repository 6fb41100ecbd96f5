/**
 * Property-style check of admitEvent over random events (seeded, so a failure names its seed and
 * replays): whatever the consent, GPC and schema,
 *   1. the input event is not mutated;
 *   2. a trait is kept, at every place it sits, exactly when one of its purposes has a basis;
 *   3. every removed trait is reported, each withheld and undeclared name once;
 *   4. nothing is added, and the same event object comes back exactly when nothing was removed;
 *   5. admitting the admitted event again changes nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../../../src/core/events/event.js';
import { admitEvent, hasLegalBasis } from '../../../src/core/privacy/admit-event.js';
import { T0, seededRandom, trackedEvent } from '../fixtures.js';
import { consentOf, workspaceContext as ctx } from './privacy-fixtures.js';

describe('admitEvent: invariants over random events (seeded)', () => {
  const TRAIT_NAMES = ['email', 'plan', 'interests', 'favouriteColour', 'invoiceAddress', 'shoeSize', 'petName', 'constructor'];
  const PURPOSE_KEYS = ['service', 'stats', 'tax', 'ads', 'newsletter'];

  function randomTraits(random: () => number, depth = 0): JsonObject {
    const traits: JsonObject = {};
    for (const name of TRAIT_NAMES) if (random() < 0.4) traits[name] = Math.floor(random() * 100);
    if (depth === 0 && random() < 0.4) traits.$set = randomTraits(random, 1);
    if (depth === 0 && random() < 0.3) traits.$set_once = randomTraits(random, 1);
    if (depth === 0 && random() < 0.2) traits.$unset = ['email'];
    return traits;
  }

  /** Every trait name at any place in traits, with the path it sits at. */
  function leaves(traits: unknown, path = ''): Array<{ name: string; path: string }> {
    if (typeof traits !== 'object' || traits === null || Array.isArray(traits)) return [];
    return Object.entries(traits).flatMap(([k, v]) =>
      k === '$set' || k === '$set_once' ? leaves(v, `${path}${k}.`) : k === '$unset' ? [] : [{ name: k, path: path + k }]);
  }

  for (let seed = 1; seed <= 300; seed++) {
    it(`seed ${seed}`, () => {
      const random = seededRandom(seed);
      const decisions: Record<string, boolean> = {};
      for (const key of ['ads', 'newsletter']) if (random() < 0.7) decisions[key] = random() < 0.5;
      const gpcPurposes = PURPOSE_KEYS.filter(() => random() < 0.2);
      const gpc = random() < 0.5;
      const c = ctx({ consent: consentOf(decisions), gpcPurposes, schema: { undeclaredPurposes: random() < 0.5 ? ['stats'] : ['ads'] } });
      const names = ['Order Completed', 'Ad Clicked', 'Newsletter Opened', 'Campaign Viewed', 'Unknown Thing'];
      const event = trackedEvent({
        type: random() < 0.5 ? 'identify' : 'track', name: names[Math.floor(random() * names.length)]!, timestamp: T0,
        traits: randomTraits(random), context: { gpc, traits: randomTraits(random) },
      });
      const before = structuredClone(event);
      const admitted = admitEvent(event, c);
      assert.deepEqual(event, before, 'input unchanged');

      const basis = (name: string) => {
        const d = Object.hasOwn(c.schema.traits, name) ? c.schema.traits[name]!.purposes : c.schema.undeclaredPurposes;
        return d.some((p) => hasLegalBasis(p, c, gpc));
      };
      if (admitted.event === null) {
        assert.equal(admitted.withheld.length, 1);
        assert.equal(admitted.withheld[0]!.kind, 'event');
        return;
      }
      const withheldNames = new Set(admitted.withheld.map((w) => w.name));
      assert.equal(withheldNames.size, admitted.withheld.length, 'each withheld trait reported once');
      assert.equal(new Set(admitted.undeclared).size, admitted.undeclared.length, 'each undeclared name reported once');
      for (const [label, input, output] of [['traits', event.traits, admitted.event.traits], ['context.traits', event.context.traits, admitted.event.context.traits]] as const) {
        const kept = new Set(leaves(output).map((l) => l.path));
        for (const leaf of leaves(input)) {
          const shouldKeep = basis(leaf.name);
          assert.equal(kept.has(leaf.path), shouldKeep, `${label}.${leaf.path}`);
          if (!shouldKeep) assert.ok(withheldNames.has(leaf.name), `${leaf.name} reported`);
          if (!Object.hasOwn(c.schema.traits, leaf.name)) assert.ok(admitted.undeclared.includes(`trait:${leaf.name}`), `${leaf.name} undeclared`);
        }
        for (const path of kept) assert.ok(leaves(input).some((l) => l.path === path), `${path} was in the input`);
      }
      assert.equal(admitted.event === event, admitted.withheld.length === 0, 'same object exactly when nothing was stripped');
      // Admitting what was admitted changes nothing more.
      const again = admitEvent(admitted.event, c);
      assert.equal(again.event, admitted.event);
      assert.deepEqual(again.withheld, []);
    });
  }
});
