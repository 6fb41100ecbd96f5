/**
 * Contract: forms (ports/form-store.ts) and the declined fields a server-built form submission
 * leaves on the profile (stored with the profile, merged, erased with it).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FormDefinition } from '../../core/forms/form-definition.js';
import type { FormCounter } from '../../ports/form-store.js';
import { T0, events, ingest, newWorkspace, profileOf, send, type StoreSubject } from './contract-fixtures.js';

export function contractForm(workspaceId: string, id: string, at: number, name = 'Whitepaper'): FormDefinition {
  return {
    id, workspaceId, name, defaultLocale: 'en', alwaysShow: ['email'], maxNewQuestions: 2, kiosk: false, declineCooldownDays: 90, dropOffCost: 5, archived: false,
    submitLabel: { en: 'Send', de: 'Senden' }, thankYou: { message: { en: 'Thanks ✓' }, redirectUrl: 'https://acme.test/thanks' },
    fields: [
      { key: 'email', type: 'email', label: { en: 'Email' }, required: true, purpose: 'necessary', role: 'email', weight: 5, personal: true },
      { key: 'budget', type: 'select', label: { en: 'Budget' }, required: false, purpose: 'necessary', role: 'budget', weight: 2, personal: false,
        options: [{ value: 'low', label: { en: 'Low' } }], validation: { maxLength: 10 } },
    ],
    createdAt: at, updatedAt: at,
  };
}

const counter = (formId: string, day: string, scope: string, metric: FormCounter['metric'], count = 1): FormCounter => ({ formId, day, scope, metric, count });

export function formContract(subject: () => StoreSubject): void {
  test('forms are stored exactly, per workspace; create refuses a taken id, update and delete an unknown one', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const other = await newWorkspace(store);
    const b = contractForm(ws, 'b', T0 + 1);
    const a = contractForm(ws, 'a', T0 + 1);
    const c = contractForm(ws, 'c', T0);
    for (const f of [b, a, c]) assert.equal(await store.forms.create(f), true);
    assert.equal(await store.forms.create({ ...a, name: 'again' }), false);
    assert.equal(await store.forms.create(contractForm(other, 'a', T0)), true, 'ids are per workspace');
    assert.deepEqual(await store.forms.get(ws, 'a'), a);
    assert.equal(await store.forms.get(ws, 'missing'), null);
    assert.deepEqual((await store.forms.list(ws)).map((f) => f.id), ['c', 'a', 'b'], 'by createdAt, then id');
    const renamed = { ...a, name: 'Renamed', maxNewQuestions: 3, updatedAt: T0 + 5 };
    assert.equal(await store.forms.update(renamed), true);
    assert.deepEqual(await store.forms.get(ws, 'a'), renamed);
    assert.equal((await store.forms.get(other, 'a'))!.name, 'Whitepaper', 'the other workspace\'s form is untouched');
    assert.equal(await store.forms.update(contractForm(ws, 'missing', T0)), false);
    assert.equal(await store.forms.delete(ws, 'a'), true);
    assert.equal(await store.forms.delete(ws, 'a'), false);
    assert.equal(await store.forms.get(ws, 'a'), null);
    assert.deepEqual((await store.forms.list(other)).map((f) => f.id), ['a']);
  });

  test('counters add up per day, sum over a day range, and go with their form', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await store.forms.create(contractForm(ws, 'f', T0));
    await store.forms.create(contractForm(ws, 'g', T0));
    await store.forms.count(ws, [
      counter('f', '2026-11-01', 'form', 'views', 2), counter('f', '2026-11-01', 'form', 'views', 3), counter('f', '2026-11-02', 'form', 'views'),
      counter('f', '2026-11-02', 'field:budget', 'abandons'), counter('f', '2026-11-03', 'form', 'submits'), counter('g', '2026-11-02', 'form', 'views', 7),
    ]);
    await store.forms.count(ws, []);
    assert.deepEqual(await store.forms.totals(ws, 'f', '2026-11-01', '2026-11-02'), [
      counter('f', '2026-11-02', 'field:budget', 'abandons'), counter('f', '2026-11-02', 'form', 'views', 6),
    ]);
    assert.deepEqual((await store.forms.totals(ws, 'f', '2026-11-01', '2026-11-30')).map((c) => [c.scope, c.metric, c.count]), [['field:budget', 'abandons', 1], ['form', 'submits', 1], ['form', 'views', 6]]);
    assert.deepEqual(await store.forms.totals(ws, 'f', '2026-12-01', '2026-12-31'), []);
    assert.deepEqual(await store.forms.daily(ws, 'f', 'form', '2026-11-01', '2026-11-30'), [
      counter('f', '2026-11-01', 'form', 'views', 5), counter('f', '2026-11-02', 'form', 'views'), counter('f', '2026-11-03', 'form', 'submits'),
    ]);
    assert.deepEqual(await store.forms.daily(ws, 'f', 'form', '2026-11-02', '2026-11-02'), [counter('f', '2026-11-02', 'form', 'views')]);
    assert.deepEqual(await store.forms.totals(await newWorkspace(store), 'f', '2026-11-01', '2026-11-30'), []);
    await store.forms.delete(ws, 'f');
    assert.deepEqual(await store.forms.totals(ws, 'f', '2026-11-01', '2026-11-30'), [], 'a deleted form\'s counters are gone');
    assert.equal((await store.forms.totals(ws, 'g', '2026-11-01', '2026-11-30'))[0]!.count, 7);
  });

  test('concurrent counting loses nothing', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    await Promise.all(Array.from({ length: 40 }, (_, i) => store.forms.count(ws, [counter('f', '2026-11-01', 'form', 'views'), counter('f', '2026-11-01', `field:k${i % 3}`, 'views')])));
    const totals = await store.forms.totals(ws, 'f', '2026-11-01', '2026-11-01');
    assert.equal(totals.find((c) => c.scope === 'form')!.count, 40);
    assert.deepEqual(totals.filter((c) => c.scope.startsWith('field:')).map((c) => c.count), [14, 13, 13]);
  });

  test('declined fields of a server-built form submission are kept on the profile, merged, and erased with it', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const submitted = (anonymousId: string, declined: string[], at: number, traitSource?: string) => {
      const [event] = events(ws, [{ type: 'track', anonymousId, event: 'Form Submitted', properties: { formId: 'f', declined }, at }]);
      return traitSource ? { ...event!, traitSource } : event!;
    };
    await ingest(store, ws, [submitted('a1', ['budget', 'timeline'], T0 + 10, 'form:f'), submitted('a1', ['company'], T0 + 20)]);
    const first = await store.profiles.get(ws, await profileOf(store, ws, 'a1'));
    assert.deepEqual(first!.declined, { budget: { at: T0 + 10, source: 'form:f' }, timeline: { at: T0 + 10, source: 'form:f' } }, 'a client event declines nothing');
    await ingest(store, ws, [submitted('a2', ['budget'], T0 + 30, 'form:g')]);
    await send(store, ws, [{ type: 'identify', anonymousId: 'a1', traits: { email: 'k@acme.test' }, at: T0 + 40 }, { type: 'identify', anonymousId: 'a2', traits: { email: 'k@acme.test' }, at: T0 + 50 }]);
    const merged = await store.profiles.get(ws, await profileOf(store, ws, 'k@acme.test'));
    assert.deepEqual(merged!.declined, { budget: { at: T0 + 30, source: 'form:g' }, timeline: { at: T0 + 10, source: 'form:f' } }, 'on a merge the later decline wins');
    await store.privacy.erase(ws, merged!.id, { tombstone: null, at: T0 + 60 });
    assert.equal(await store.profiles.resolve(ws, 'a1'), null);
  });
}
