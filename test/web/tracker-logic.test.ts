/**
 * The pure parts of the browser tracker (web/tracker/src), run in Node: configuration from data-*
 * attributes, cookie strings, campaign and token handling of the address, visible time, outbound
 * clicks, the consent policy, the form answers, and the slot module's request context and texts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clickText, isOutbound } from '../../web/tracker/src/clicks.js';
import { flag, readConfig, slotTimeout } from '../../web/tracker/src/config.js';
import { decodeDecision, encodeDecision, mayStoreId, sendPolicy } from '../../web/tracker/src/consent.js';
import { answerOf, autocompleteOf, declinable, issuesByField, safeRedirect } from '../../web/tracker/src/form-logic.js';
import { DEFAULT_TEXTS, textsFor, type FieldView } from '../../web/tracker/src/form-types.js';
import { cookieDomainFits, cookieString, readCookie, uuid } from '../../web/tracker/src/ids.js';
import { campaignOf, pageOf, withoutParam } from '../../web/tracker/src/page.js';
import { setVisible, startClock, visibleMs } from '../../web/tracker/src/visible-time.js';
import { contextOf, fits, itemOf, slotIds } from '../../web/tracker/src/slots/decision.js';
import { slotTexts } from '../../web/tracker/src/slots/texts.js';

const attrs = (map: Record<string, string>) => (name: string) => (Object.hasOwn(map, name) ? map[name]! : null);

describe('readConfig', () => {
  it('needs a write key, and says so', () => {
    assert.match(String(readConfig(attrs({}), 'https://t.example/t.js', 'https://acme.com')), /data-write-key/);
    assert.match(String(readConfig(attrs({ 'write-key': '  ' }), 'https://t.example/t.js', 'https://acme.com')), /data-write-key/);
  });

  it('defaults: host from the script address, basic consent, analytics id purpose, page view on, styles on', () => {
    assert.deepEqual(readConfig(attrs({ 'write-key': 'wk_1' }), 'https://t.example:8443/t.js?v=2', 'https://acme.com'), {
      writeKey: 'wk_1', host: 'https://t.example:8443', cookieDomain: null, consent: 'basic', idPurpose: 'analytics',
      kiosk: false, autoPage: true, spa: false, styles: true, locale: null, recognition: null, slotTimeout: 300,
    });
  });

  it('reads every attribute; the cookie domain loses a leading dot and case; the host its trailing slash', () => {
    const cfg = readConfig(attrs({
      'write-key': 'wk_1', host: 'https://collect.acme.com/', 'cookie-domain': '.ACME.com', consent: 'STRICT',
      'id-purpose': 'necessary', kiosk: '', 'auto-page': 'false', spa: 'true', styles: 'off', locale: 'de', recognition: 'tok', 'slot-timeout': '800',
    }), '', 'https://acme.com');
    assert.deepEqual(cfg, {
      writeKey: 'wk_1', host: 'https://collect.acme.com', cookieDomain: 'acme.com', consent: 'strict', idPurpose: 'necessary',
      kiosk: true, autoPage: false, spa: true, styles: false, locale: 'de', recognition: 'tok', slotTimeout: 800,
    });
  });

  it('an unknown consent mode falls back to basic (never to off); an inline script uses the page origin', () => {
    const cfg = readConfig(attrs({ 'write-key': 'wk', consent: 'none' }), '', 'https://acme.com');
    assert.equal(typeof cfg === 'object' && cfg.consent, 'basic');
    assert.equal(typeof cfg === 'object' && cfg.host, 'https://acme.com');
  });

  it('flag: presence means true, false/0/off/no mean false, absence the default', () => {
    assert.equal(flag('', false), true);
    assert.equal(flag('true', false), true);
    for (const no of ['false', '0', 'OFF', ' no ']) assert.equal(flag(no, true), false, no);
    assert.equal(flag(null, true), true);
    assert.equal(flag(null, false), false);
  });
});

describe('ids and cookies', () => {
  it('uuid gives distinct v4 UUIDs', () => {
    const a = uuid();
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(uuid(), a);
  });

  it('cookieString sets path, lifetime, SameSite, the shared domain and Secure on https', () => {
    assert.equal(cookieString('tsr_aid', 'a b', { domain: 'acme.com', maxAge: 100, secure: true }), 'tsr_aid=a%20b; Path=/; Max-Age=100; SameSite=Lax; Domain=acme.com; Secure');
    assert.equal(cookieString('tsr_aid', '', { domain: null, maxAge: 0, secure: false }), 'tsr_aid=; Path=/; Max-Age=0; SameSite=Lax');
  });

  it('readCookie finds the exact name only and decodes it; broken encoding reads as absent', () => {
    const jar = 'x_tsr_aid=no; tsr_aid=a%20b; other=1';
    assert.equal(readCookie(jar, 'tsr_aid'), 'a b');
    assert.equal(readCookie(jar, 'missing'), null);
    assert.equal(readCookie('tsr_aid=%E0%A4%A', 'tsr_aid'), null);
    assert.equal(readCookie('', 'tsr_aid'), null);
  });

  it('a cookie domain fits its own host and its subdomains only', () => {
    assert.equal(cookieDomainFits('www.acme.com', 'acme.com'), true);
    assert.equal(cookieDomainFits('acme.com', 'acme.com'), true);
    assert.equal(cookieDomainFits('evilacme.com', 'acme.com'), false);
    assert.equal(cookieDomainFits('127.0.0.1', 'acme.com'), false);
    assert.equal(cookieDomainFits('anything', null), true);
  });
});

describe('the page and its campaign', () => {
  it('campaignOf maps utm_* to Segment campaign fields; none gives null', () => {
    assert.deepEqual(campaignOf('?utm_source=newsletter&utm_medium=email&utm_campaign=nov&utm_term=plm&utm_content=hero&x=1'),
      { source: 'newsletter', medium: 'email', name: 'nov', term: 'plm', content: 'hero' });
    assert.equal(campaignOf('?x=1&utm_source='), null);
    assert.equal(campaignOf(''), null);
  });

  it('withoutParam removes the token and only it, leaving no empty "?"', () => {
    assert.equal(withoutParam('https://acme.com/p?tsr=abc', 'tsr'), 'https://acme.com/p');
    assert.equal(withoutParam('https://acme.com/p?a=1&tsr=abc&b=2#top', 'tsr'), 'https://acme.com/p?a=1&b=2#top');
    assert.equal(withoutParam('https://acme.com/p?tsr=abc#top', 'tsr'), 'https://acme.com/p#top');
    assert.equal(withoutParam('https://acme.com/p?a=1', 'tsr'), 'https://acme.com/p?a=1');
    assert.equal(withoutParam('not a url', 'tsr'), 'not a url');
  });

  it('pageOf gives url, path, search, title and referrer', () => {
    assert.deepEqual(pageOf('https://acme.com/w/paper?utm_source=x', 'Paper', 'https://google.com/'),
      { url: 'https://acme.com/w/paper?utm_source=x', path: '/w/paper', search: '?utm_source=x', title: 'Paper', referrer: 'https://google.com/' });
  });
});

describe('visible time', () => {
  it('counts only visible stretches, cumulatively', () => {
    const clock = startClock(1000, true);
    assert.equal(visibleMs(clock, 3000), 2000);
    setVisible(clock, false, 4000);
    assert.equal(visibleMs(clock, 60_000), 3000, 'hidden time does not count');
    setVisible(clock, false, 70_000);
    setVisible(clock, true, 100_000);
    assert.equal(visibleMs(clock, 100_500), 3500);
    setVisible(clock, true, 101_000);
    assert.equal(visibleMs(clock, 102_000), 5000, 'a repeated "visible" does not restart the stretch');
  });

  it('a page opened in the background starts at zero', () => {
    const clock = startClock(0, false);
    assert.equal(visibleMs(clock, 10_000), 0);
    setVisible(clock, true, 10_000);
    assert.equal(visibleMs(clock, 10_250.4), 250);
  });
});

describe('clicks', () => {
  const page = 'https://www.acme.com/pricing';
  it('another site is outbound; the same host, a sibling under the cookie domain, relative and non-http links are not', () => {
    assert.equal(isOutbound('https://partner.io/x', page, null), true);
    assert.equal(isOutbound('https://shop.acme.com/', page, null), true);
    assert.equal(isOutbound('https://shop.acme.com/', page, 'acme.com'), false);
    assert.equal(isOutbound('https://evilacme.com/', page, 'acme.com'), true);
    assert.equal(isOutbound('/docs', page, null), false);
    assert.equal(isOutbound('https://WWW.ACME.com/x', page, null), false);
    assert.equal(isOutbound('mailto:sales@partner.io', page, null), false);
    assert.equal(isOutbound('javascript:void 0', page, null), false);
  });

  it('clickText squeezes whitespace and caps the length', () => {
    assert.equal(clickText('  Download\n\n the   paper '), 'Download the paper');
    assert.equal(clickText('x'.repeat(300)).length, 100);
    assert.equal(clickText(null), '');
  });
});

describe('consent policy', () => {
  it('the id is stored only with consent to its purpose, or when consent handling is off', () => {
    assert.equal(mayStoreId('basic', null, 'analytics'), false);
    assert.equal(mayStoreId('basic', { analytics: false }, 'analytics'), false);
    assert.equal(mayStoreId('basic', { advertising: true }, 'analytics'), false);
    assert.equal(mayStoreId('basic', { analytics: true }, 'analytics'), true);
    assert.equal(mayStoreId('strict', { analytics: true }, 'analytics'), true);
    assert.equal(mayStoreId('off', null, 'analytics'), true);
  });

  it('basic and off send at once; strict waits for the decision, then sends or drops', () => {
    assert.equal(sendPolicy('basic', null, 'analytics'), 'send');
    assert.equal(sendPolicy('off', null, 'analytics'), 'send');
    assert.equal(sendPolicy('strict', null, 'analytics'), 'wait');
    assert.equal(sendPolicy('strict', { analytics: true }, 'analytics'), 'send');
    assert.equal(sendPolicy('strict', { analytics: false, advertising: true }, 'analytics'), 'drop');
  });

  it('a stored decision round-trips; junk and prototype keys do not become a decision', () => {
    const d = { analytics: true, advertising: false };
    assert.deepEqual(decodeDecision(encodeDecision(d)), d);
    assert.equal(decodeDecision(null), null);
    assert.equal(decodeDecision(''), null);
    assert.equal(decodeDecision('analytics:yes'), null);
    assert.equal(decodeDecision('<script>'), null);
    const proto = decodeDecision('__proto__:1');
    assert.equal(Object.getPrototypeOf(proto), Object.prototype, 'the prototype is untouched');
    assert.equal(Object.hasOwn(proto!, '__proto__'), true);
  });
});

describe('form answers', () => {
  const field = (f: Partial<FieldView>): FieldView => ({ key: 'k', type: 'text', label: 'K', required: false, ...f });

  it('text is trimmed, empty means no answer; numbers are numbers', () => {
    assert.equal(answerOf(field({}), { value: '  Acme  ' }), 'Acme');
    assert.equal(answerOf(field({}), { value: '   ' }), undefined);
    assert.equal(answerOf(field({ type: 'number' }), { value: '250' }), 250);
    assert.equal(answerOf(field({ type: 'number' }), { value: 'abc' }), 'abc', 'the server names the error');
    assert.equal(answerOf(field({ type: 'select' }), { value: '' }), undefined);
  });

  it('a single checkbox and a consent box are booleans; a checkbox group is its checked values', () => {
    assert.equal(answerOf(field({ type: 'consent' }), { value: '', checked: false }), false);
    assert.equal(answerOf(field({ type: 'checkbox' }), { value: '', checked: true }), true);
    const group = field({ type: 'checkbox', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] });
    assert.deepEqual(answerOf(group, { value: 'a', values: ['a', 'b'] }), ['a', 'b']);
    assert.equal(answerOf(group, { value: '', values: [] }), undefined);
  });

  it('server issues land on their field; others are form-level', () => {
    const byField = issuesByField([
      { field: 'answers.email', reason: 'must be an email address' },
      { field: 'answers.interests.1', reason: 'is not an option' },
      { field: 'viewId', reason: 'is unknown' },
      { field: 'answers.nothere', reason: 'is not asked' },
    ], ['email', 'interests']);
    assert.equal(byField.get('email'), 'Must be an email address');
    assert.equal(byField.get('interests'), 'Is not an option');
    assert.equal(byField.get(''), 'viewId is unknown answers.nothere is not asked');
  });

  it('autocomplete hints for well-known keys in any spelling', () => {
    assert.equal(autocompleteOf('email'), 'email');
    assert.equal(autocompleteOf('first_name'), 'given-name');
    assert.equal(autocompleteOf('jobTitle'), 'organization-title');
    assert.equal(autocompleteOf('plmSystem'), undefined);
    assert.equal(autocompleteOf('constructor'), undefined);
  });

  it('only optional, unknown, non-consent questions can be declined', () => {
    assert.equal(declinable(field({})), true);
    assert.equal(declinable(field({ required: true })), false);
    assert.equal(declinable(field({ type: 'consent' })), false);
    assert.equal(declinable(field({ prefill: { masked: 'k***' } })), false);
  });

  it('redirects only to http(s)', () => {
    assert.equal(safeRedirect('/thanks', 'https://acme.com/p'), 'https://acme.com/thanks');
    assert.equal(safeRedirect('https://cdn.acme.com/paper.pdf', 'https://acme.com/'), 'https://cdn.acme.com/paper.pdf');
    assert.equal(safeRedirect('javascript:alert(1)', 'https://acme.com/'), null);
    assert.equal(safeRedirect('data:text/html,x', 'https://acme.com/'), null);
    assert.equal(safeRedirect(undefined, 'https://acme.com/'), null);
  });

  it('renderer texts follow the locale: German for de, de-AT; English otherwise', () => {
    assert.equal(textsFor('de').notYou, 'Nicht Sie?');
    assert.equal(textsFor('de-AT').decline, 'Keine Angabe');
    assert.equal(textsFor('en-GB'), DEFAULT_TEXTS);
    assert.equal(textsFor('dex'), DEFAULT_TEXTS);
  });
});

describe('slots', () => {
  it('data-slot-timeout: whole milliseconds up to 10 s; anything else is the default 300 ms', () => {
    assert.equal(slotTimeout('0'), 0);
    assert.equal(slotTimeout(' 800 '), 800);
    assert.equal(slotTimeout('99999'), 10_000);
    for (const bad of ['', 'abc', '-5', '1.5', '1e3', '300ms', '123456']) assert.equal(slotTimeout(bad), 300, bad);
  });

  it('the decide context: address, path, referrer, campaign, language and time zone', () => {
    assert.deepEqual(contextOf({ href: 'https://acme.com/smart-factory/a?utm_source=news&utm_campaign=%20spring%20&x=1', referrer: 'https://search.example/', locale: 'de-DE', timezone: 'Europe/Berlin' }), {
      url: 'https://acme.com/smart-factory/a?utm_source=news&utm_campaign=%20spring%20&x=1', path: '/smart-factory/a', referrer: 'https://search.example/',
      locale: 'de-DE', timezone: 'Europe/Berlin', utm: { source: 'news', campaign: 'spring' },
    });
    assert.deepEqual(contextOf({ href: 'https://acme.com/', referrer: '', locale: 'en' }), { url: 'https://acme.com/', path: '/', locale: 'en' });
  });

  it('leaves out what the decide API would refuse, so that the slots still get a decision', () => {
    const long = `https://acme.com/?q=${'x'.repeat(2000)}`;
    const context = contextOf({ href: long, referrer: 'https://a.example/\u0007', locale: 'not a language', timezone: undefined });
    assert.deepEqual(context, { path: '/' });
    assert.equal(fits('a\u0000b'), undefined);
    assert.equal(fits(''), undefined);
    assert.equal(fits('ok'), 'ok');
  });

  it('one request names each slot once, at most 20, none empty', () => {
    assert.deepEqual(slotIds(['hero', 'cta', 'hero', '', 'salutation']), ['hero', 'cta', 'salutation']);
    assert.equal(slotIds(Array.from({ length: 30 }, (_, i) => `s${i}`)).length, 20);
  });

  it('German texts for German pages, English otherwise', () => {
    assert.equal(slotTexts('de').general, 'Stattdessen allgemeine Inhalte zeigen');
    assert.equal(slotTexts('de-AT').lang, 'de');
    assert.equal(slotTexts('en-GB').general, 'Show me general content instead');
    assert.equal(slotTexts('dev').lang, 'en');
    assert.equal(slotTexts('').lang, 'en');
  });
});

it('slot events name the item of a recommendation slot: item_id from the variant chosen by recommendations, nothing for other decisions', () => {
  const variant = (payload?: unknown) => ({ id: 'v-drill', body: 'Drill', format: 'text' as const, ...(payload !== undefined ? { payload } : {}) });
  assert.deepEqual(itemOf({ rule: 'recommendation', variant: variant({ itemId: 'drill' }) }), { item_id: 'drill' });
  assert.deepEqual(itemOf({ rule: 'default', variant: variant({ itemId: 'drill' }) }), {}, 'the default variant was not recommended');
  assert.deepEqual(itemOf({ rule: 'vip', variant: variant({ itemId: 'drill' }) }), {}, 'a rule chose it');
  assert.deepEqual(itemOf({ rule: 'recommendation', variant: variant() }), {});
  assert.deepEqual(itemOf({ rule: 'recommendation', variant: variant({ itemId: 7 }) }), {}, 'only a text id');
  assert.deepEqual(itemOf({ rule: 'recommendation', variant: variant('drill') }), {});
});
