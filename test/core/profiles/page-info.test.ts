/**
 * What an event says about its page and campaign: a stable page key (host + path, no query, no
 * fragment, no trailing slash), the category (explicit, else the first path segment), and the
 * campaign from context.campaign or the URL.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { campaignOf, hostOf, pageInfo } from '../../../src/core/profiles/page-info.js';
import { T0, pageView, trackedEvent } from '../fixtures.js';

const keyOf = (url: string) => pageInfo(pageView(T0, url))?.key;

describe('pageInfo', () => {
  it('reads a page view as analytics.js sends it', () => {
    assert.deepEqual(pageInfo(pageView(T0, 'https://shop.example.com/shoes/boots?utm_source=x#reviews', { title: 'Boots', referrer: 'https://www.google.com/' })), {
      key: 'shop.example.com/shoes/boots',
      url: 'https://shop.example.com/shoes/boots?utm_source=x#reviews',
      path: '/shoes/boots',
      title: 'Boots',
      referrer: 'https://www.google.com/',
      category: 'shoes',
      search: '?utm_source=x',
    });
  });

  it('keys a page by host and path: query strings, fragments and a trailing slash do not make a new page', () => {
    const key = 'example.com/pricing';
    for (const url of ['https://example.com/pricing', 'https://example.com/pricing?plan=pro', 'https://example.com/pricing#faq', 'https://example.com/pricing/', 'https://EXAMPLE.com/pricing/?a=1']) {
      assert.equal(keyOf(url), key, url);
    }
    assert.equal(keyOf('https://example.com/'), 'example.com/');
    assert.equal(keyOf('https://example.com'), 'example.com/');
    assert.notEqual(keyOf('https://example.com/Pricing'), key, 'paths are case-sensitive');
    assert.notEqual(keyOf('https://docs.example.com/pricing'), key, 'another host is another page');
  });

  it('takes the category from the event, else from properties, else from the first path segment', () => {
    assert.equal(pageInfo(pageView(T0, 'https://example.com/blog/post-1', { category: 'Stories' }))!.category, 'Stories');
    const fromProps = trackedEvent({ type: 'page', timestamp: T0, properties: { path: '/blog/post-1', category: 'Articles' } });
    assert.equal(pageInfo(fromProps)!.category, 'Articles');
    assert.equal(pageInfo(pageView(T0, 'https://example.com/Blog/post-1'))!.category, 'blog');
    assert.equal(pageInfo(pageView(T0, 'https://example.com/%C3%9Cber-uns'))!.category, 'über-uns');
    assert.equal(pageInfo(pageView(T0, 'https://example.com/%E0%A4%A'))!.category, '%e0%a4%a', 'a broken escape is kept as it is');
    assert.equal(pageInfo(pageView(T0, 'https://example.com/'))!.category, '(home)');
  });

  it('works from a path alone, adding the leading slash, and from a relative URL', () => {
    const pathOnly = pageInfo(trackedEvent({ type: 'page', timestamp: T0, properties: { path: 'pricing/' } }))!;
    assert.deepEqual([pathOnly.key, pathOnly.path, pathOnly.url], ['/pricing', '/pricing', null]);
    const relative = pageInfo(trackedEvent({ type: 'page', timestamp: T0, properties: { url: '/docs/start?utm_source=news' } }))!;
    assert.deepEqual([relative.key, relative.category, relative.search], ['/docs/start', 'docs', '?utm_source=news']);
  });

  it('keeps a page named like an object internal as an ordinary path', () => {
    const info = pageInfo(trackedEvent({ type: 'page', timestamp: T0, properties: { path: '__proto__' } }))!;
    assert.deepEqual([info.key, info.category], ['/__proto__', '__proto__']);
  });

  it('uses the page name as the title when there is none', () => {
    const e = trackedEvent({ type: 'page', timestamp: T0, name: 'Pricing', properties: { path: '/pricing' } });
    assert.equal(pageInfo(e)!.title, 'Pricing');
  });

  it('reads the page of any other event from context.page, never from its properties', () => {
    const e = trackedEvent({ type: 'track', timestamp: T0, name: 'Clicked', properties: { url: 'https://other.example/x', category: 'Buttons' }, context: { page: { url: 'https://example.com/pricing', path: '/pricing', referrer: 'https://t.co/abc' } } });
    const info = pageInfo(e)!;
    assert.deepEqual([info.key, info.category, info.referrer], ['example.com/pricing', 'pricing', 'https://t.co/abc']);
  });

  it('is null for an event without any page information', () => {
    assert.equal(pageInfo(trackedEvent({ type: 'track', timestamp: T0, name: 'Server Side' })), null);
    assert.equal(pageInfo(trackedEvent({ type: 'identify', timestamp: T0, context: { page: 'not an object' } })), null);
  });

  it('keys screens by name', () => {
    const info = pageInfo(trackedEvent({ type: 'screen', timestamp: T0, name: 'Checkout', category: 'Shop' }))!;
    assert.deepEqual([info.key, info.title, info.category, info.url], ['screen:Checkout', 'Checkout', 'Shop', null]);
  });
});

describe('campaignOf', () => {
  it('reads utm parameters and click ids from the URL', () => {
    const e = pageView(T0, 'https://example.com/?utm_source=google&utm_medium=cpc&utm_campaign=spring&gclid=abc');
    assert.deepEqual(campaignOf(e, pageInfo(e)), { source: 'google', medium: 'cpc', name: 'spring', clickId: 'gclid' });
  });

  it('prefers context.campaign, field by field', () => {
    const e = pageView(T0, 'https://example.com/?utm_source=url-source&utm_medium=url-medium');
    e.context.campaign = { source: 'ctx-source', name: 'ctx-name' };
    assert.deepEqual(campaignOf(e, pageInfo(e)), { source: 'ctx-source', medium: 'url-medium', name: 'ctx-name', clickId: undefined });
  });

  it('is empty without tags', () => {
    const e = pageView(T0, 'https://example.com/');
    assert.deepEqual(campaignOf(e, pageInfo(e)), { source: undefined, medium: undefined, name: undefined, clickId: undefined });
    assert.deepEqual(campaignOf(e, null), { source: undefined, medium: undefined, name: undefined, clickId: undefined });
  });
});

describe('hostOf', () => {
  it('lower-cases the host and is null for what is not an absolute URL', () => {
    assert.equal(hostOf('https://WWW.Google.com/search?q=x'), 'www.google.com');
    assert.equal(hostOf('/relative'), null);
    assert.equal(hostOf(''), null);
    assert.equal(hostOf(null), null);
  });
});
