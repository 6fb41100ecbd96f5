/** View tickets cannot be forged or moved to another visitor or form; masks hide personal values. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { maskEmail, maskText, maskValue } from '../../../src/core/forms/mask.js';
import { TICKET_TTL_MS, decodeTicket, encodeTicket } from '../../../src/core/forms/view-ticket.js';
import { blamedFields, estimateDropOff, fieldCountersFrom } from '../../../src/core/forms/drop-off.js';
import { buildFormReport } from '../../../src/core/forms/form-report.js';
import { whitepaperForm } from './form-fixtures.js';

const mac = (secret: string) => (text: string) => createHmac('sha256', secret).update(text).digest('base64url').slice(0, 16);
const ticket = { id: 't1', formId: 'f1', anonymousId: 'a1', shown: ['email', 'company'], prefilled: ['email'], recognised: true, at: 1_000 };

describe('view tickets', () => {
  it('round-trips for the same form, visitor and secret', () => {
    const value = encodeTicket(ticket, mac('s'));
    assert.deepEqual(decodeTicket(value, { formId: 'f1', anonymousId: 'a1', now: 2_000 }, mac('s')), { ok: true, ticket });
  });

  it('is refused when forged, tampered, moved or expired', () => {
    const value = encodeTicket(ticket, mac('s'));
    const [payload, signature] = value.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify(['t1', 'f1', 'a1', ['email', 'budget'], ['email', 'budget'], 1, 1000])).toString('base64url');
    const cases: Array<[unknown, object, RegExp]> = [
      [value, { formId: 'f1', anonymousId: 'a1', now: 2_000, secret: 'other' }, /not a view id/],
      [`${forged}.${signature}`, { formId: 'f1', anonymousId: 'a1', now: 2_000 }, /not a view id/],
      [`${payload}.${signature}x`, { formId: 'f1', anonymousId: 'a1', now: 2_000 }, /not a view id/],
      [value, { formId: 'f2', anonymousId: 'a1', now: 2_000 }, /another form/],
      [value, { formId: 'f1', anonymousId: 'a2', now: 2_000 }, /another visitor/],
      [value, { formId: 'f1', anonymousId: 'a1', now: 1_000 + TICKET_TTL_MS }, /expired/],
      [undefined, { formId: 'f1', anonymousId: 'a1', now: 2_000 }, /not a view id/],
      ['a.b.c', { formId: 'f1', anonymousId: 'a1', now: 2_000 }, /not a view id/],
    ];
    for (const [input, expected, reason] of cases) {
      const { secret, ...rest } = expected as { secret?: string; formId: string; anonymousId: string; now: number };
      const result = decodeTicket(input, rest, mac(secret ?? 's'));
      assert.equal(result.ok, false);
      assert.match((result as { reason: string }).reason, reason);
    }
  });
});

describe('masking', () => {
  it('shows enough to recognise, too little to learn', () => {
    assert.equal(maskEmail('karoline@acme.com'), 'k***@acme.com');
    assert.equal(maskText('Karoline'), 'K***');
    assert.equal(maskText('+49 170 1234567'), '***67');
    assert.equal(maskText('Ölfirma'), 'Ö***');
    const form = whitepaperForm();
    const field = (k: string) => form.fields.find((f) => f.key === k)!;
    assert.equal(maskValue(field('email'), 'karoline@acme.com', () => undefined), 'k***@acme.com');
    assert.equal(maskValue(field('jobRole'), 'manager', () => 'Manager'), 'Manager', 'a non-personal choice is shown');
    assert.equal(maskValue(field('newsletter'), true, () => undefined), '✓');
  });
});

describe('drop-off estimate and report', () => {
  it('starts at the prior and follows the evidence', () => {
    assert.deepEqual(estimateDropOff(), { rate: 0.1, trials: 0, failures: 0, prior: true });
    assert.equal(estimateDropOff({ views: 1000, starts: 1000, submits: 500, abandons: 100 }).rate, 502 / 1020);
    assert.equal(estimateDropOff({ views: 1000, starts: 0, submits: 990, abandons: 0 }).rate, 12 / 1020, 'views are the trials without starts');
    assert.equal(estimateDropOff({ views: 5, starts: 2, submits: 2, abandons: 9 }).failures, 9, 'abandons never exceed trials');
    // An abandon naming other fields is not this field's: 30 abandons of views that showed it, 5 name it.
    assert.equal(estimateDropOff({ views: 100, starts: 100, submits: 65, abandons: 5, exits: 30 }).failures, 5 + 5);
    // Views never started are nobody's fault when the client reports starts.
    assert.equal(estimateDropOff({ views: 1000, starts: 0, submits: 0, abandons: 0, startsReported: true }).trials, 0);
    // Unexplained losses are shared by the fields shown.
    assert.equal(estimateDropOff({ views: 90, starts: 0, submits: 30, abandons: 0, share: 1 / 3 }).failures, 20);
  });

  it('reads the form-level facts from the counters: whether starts are reported, the fields a view shows', () => {
    const views = fieldCountersFrom([
      { scope: 'shown:2', metric: 'views', count: 10 }, { scope: 'shown:4', metric: 'views', count: 10 },
      { scope: 'field:a', metric: 'views', count: 20 }, { scope: 'field:a', metric: 'submits', count: 5 }, { scope: 'field:b', metric: 'exits', count: 2 },
    ]);
    assert.deepEqual(views.get('a'), { views: 20, starts: 0, submits: 5, abandons: 0, exits: 0, startsReported: false, share: 1 / 3 });
    assert.equal(estimateDropOff(views.get('a')).failures, 5, '15 unexplained losses shared by 3 fields on average');
    const started = fieldCountersFrom([{ scope: 'form', metric: 'starts', count: 1 }, { scope: 'field:a', metric: 'views', count: 50 }]);
    assert.equal(started.get('a')!.startsReported, true);
    assert.equal(estimateDropOff(started.get('a')).prior, true, 'views never started teach nothing when starts are reported');
  });

  it('reports conversion per form, per number of fields shown and per field', () => {
    const report = buildFormReport([
      { scope: 'form', metric: 'views', count: 10 }, { scope: 'form', metric: 'submits', count: 4 }, { scope: 'form', metric: 'starts', count: 8 },
      { scope: 'shown:2', metric: 'views', count: 6 }, { scope: 'shown:2', metric: 'submits', count: 3 },
      { scope: 'shown:3', metric: 'views', count: 4 }, { scope: 'shown:3', metric: 'submits', count: 1 },
      { scope: 'field:company', metric: 'views', count: 4 }, { scope: 'field:gone', metric: 'views', count: 1 },
    ], ['email', 'company']);
    assert.deepEqual(report.totals, { views: 10, starts: 8, submits: 4, abandons: 0, conversion: 0.4, completion: 0.5 });
    assert.deepEqual(report.byFieldsShown.map((b) => [b.fields, b.conversion]), [[2, 0.5], [3, 0.25]]);
    assert.deepEqual(report.fields.map((f) => f.key), ['email', 'company', 'gone']);
    assert.equal(report.fields[0]!.conversion, null);
  });
});

describe('abandon attribution', () => {
  it('blames the fields left untouched, else the last one touched, else all shown', () => {
    assert.deepEqual(blamedFields(['email', 'company', 'plm'], ['email']), ['company', 'plm']);
    assert.deepEqual(blamedFields(['email', 'company'], ['company', 'email']), ['email']);
    assert.deepEqual(blamedFields(['email', 'company'], undefined), ['email', 'company']);
    assert.deepEqual(blamedFields(['email'], ['other']), ['email']);
  });
});
