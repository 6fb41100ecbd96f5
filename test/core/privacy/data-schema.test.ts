/**
 * The data schema and the default purposes: lookups by own property only, and defaults that a data
 * protection officer can sign: anything that acts on a person needs consent, and every purpose a
 * default declaration names exists.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SCHEMA, eventDeclaration, traitDeclaration } from '../../../src/core/privacy/data-schema.js';
import { DEFAULT_PURPOSES } from '../../../src/core/privacy/purposes.js';
import { declared } from './privacy-fixtures.js';

describe('eventDeclaration and traitDeclaration', () => {
  const schema = { ...DEFAULT_SCHEMA, events: { ...DEFAULT_SCHEMA.events, 'Order Completed': declared(['necessary']) } };

  it('finds track events by name and the other calls by type', () => {
    assert.deepEqual(eventDeclaration(schema, 'track', 'Order Completed')?.purposes, ['necessary']);
    assert.deepEqual(eventDeclaration(schema, 'page', 'Order Completed')?.purposes, ['analytics'], 'a page is judged by its type');
    assert.deepEqual(eventDeclaration(schema, 'identify', null)?.purposes, ['necessary']);
    assert.equal(eventDeclaration(schema, 'track', 'Unknown'), undefined);
    assert.equal(eventDeclaration(schema, 'track', null), undefined);
  });

  it('does not give a track event the declaration of the call type it is named after', () => {
    for (const type of ['page', 'screen', 'identify', 'group', 'alias']) {
      assert.equal(eventDeclaration(schema, 'track', type), undefined, type);
      assert.notEqual(eventDeclaration(schema, type, null), undefined, type);
    }
  });

  it('is case-sensitive, as event names are', () => {
    assert.equal(eventDeclaration(schema, 'track', 'order completed'), undefined);
    assert.equal(traitDeclaration(schema, 'Email'), undefined);
    assert.notEqual(traitDeclaration(schema, 'email'), undefined);
  });

  it('finds only own declarations, never Object.prototype members', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      assert.equal(eventDeclaration(schema, 'track', name), undefined, name);
      assert.equal(traitDeclaration(schema, name), undefined, name);
    }
  });

  it('finds a declaration that is itself named like an Object member', () => {
    const odd = { ...schema, events: { constructor: declared(['analytics']) }, traits: { toString: declared(['analytics']) } };
    assert.deepEqual(eventDeclaration(odd, 'track', 'constructor')?.purposes, ['analytics']);
    assert.deepEqual(traitDeclaration(odd, 'toString')?.purposes, ['analytics']);
  });
});

describe('the defaults', () => {
  const byKey = new Map(DEFAULT_PURPOSES.map((p) => [p.key, p]));

  it('declare every purpose they name', () => {
    const named = [
      ...Object.values(DEFAULT_SCHEMA.events).flatMap((d) => d.purposes),
      ...Object.values(DEFAULT_SCHEMA.traits).flatMap((d) => d.purposes),
      ...DEFAULT_SCHEMA.undeclaredPurposes,
    ];
    for (const key of named) assert.ok(byKey.has(key), key);
  });

  it('put everything that acts on a person on consent, and keep only analytics and the necessary without it', () => {
    for (const key of ['personalization', 'profiling', 'email_marketing', 'advertising']) assert.equal(byKey.get(key)?.legalBasis, 'consent', key);
    assert.equal(byKey.get('analytics')?.legalBasis, 'legitimate_interest');
    assert.equal(byKey.get('necessary')?.legalBasis, 'contract');
  });

  it('have unique purpose keys and positive retention', () => {
    assert.equal(byKey.size, DEFAULT_PURPOSES.length);
    for (const p of DEFAULT_PURPOSES) assert.ok(Number.isInteger(p.retentionDays) && p.retentionDays > 0, p.key);
  });

  it('track email engagement for email marketing and analytics, and judge undeclared data as analytics', () => {
    // Either purpose suffices: by default analytics rests on legitimate interest, so engagement
    // counters work out of the box; a DPO who puts analytics on consent gets them only with consent.
    for (const name of ['Email Sent', 'Email Delivered', 'Email Opened', 'Email Link Clicked', 'Email Bounced', 'Email Marked as Spam']) {
      assert.deepEqual(DEFAULT_SCHEMA.events[name]?.purposes, ['email_marketing', 'analytics'], name);
    }
    assert.deepEqual(DEFAULT_SCHEMA.events.Unsubscribed?.purposes, ['necessary'], 'an unsubscription must always be recorded');
    assert.deepEqual(DEFAULT_SCHEMA.undeclaredPurposes, ['analytics']);
    assert.equal(DEFAULT_SCHEMA.mode, 'lenient');
  });

  it('mark the default traits as personal data', () => {
    for (const [name, d] of Object.entries(DEFAULT_SCHEMA.traits)) assert.equal(d.personal, true, name);
  });
});
