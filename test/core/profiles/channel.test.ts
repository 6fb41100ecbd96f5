/**
 * Channel classification: campaign tags win over the referrer; click ids, referrer hosts and bare
 * utm_source values map to the channel a marketer expects.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyChannel, type Campaign, type Channel } from '../../../src/core/profiles/channel.js';

const check = (cases: Array<[Campaign, string | null, Channel]>) => {
  for (const [campaign, referrer, expected] of cases) {
    assert.equal(classifyChannel(campaign, referrer), expected, `${JSON.stringify(campaign)} from ${referrer}`);
  }
};

describe('classifyChannel', () => {
  it('classifies by utm_medium first', () => {
    check([
      [{ source: 'google', medium: 'cpc' }, null, 'paid_search'],
      [{ source: 'bing', medium: 'PPC' }, null, 'paid_search'],
      [{ source: 'facebook', medium: 'cpc' }, null, 'paid_social'],
      [{ source: 'fb', medium: 'paid' }, null, 'paid_social'],
      [{ source: 'ig', medium: 'cpc' }, null, 'paid_social'],
      [{ source: 'linkedin.com', medium: 'cpc' }, null, 'paid_social'],
      [{ source: 'anything', medium: 'paid_social' }, null, 'paid_social'],
      [{ source: 'dv360', medium: 'display' }, null, 'display'],
      [{ source: 'news', medium: 'email' }, null, 'email'],
      [{ medium: 'Newsletter' }, null, 'email'],
      [{ source: 'twitter', medium: 'social' }, null, 'social'],
      [{ medium: 'organic' }, null, 'organic_search'],
      [{ medium: 'affiliate' }, null, 'affiliate'],
      [{ medium: 'referral' }, null, 'referral'],
      [{ medium: 'podcast' }, null, 'other_campaign'],
    ]);
  });

  it('lets campaign tags win over the referrer', () => {
    check([[{ source: 'newsletter', medium: 'email' }, 'www.google.com', 'email']]);
  });

  it('classifies click ids without utm tags', () => {
    check([
      [{ clickId: 'gclid' }, 'www.google.com', 'paid_search'],
      [{ clickId: 'msclkid' }, null, 'paid_search'],
      [{ clickId: 'fbclid' }, 'l.facebook.com', 'social'],
    ]);
  });

  it('classifies a utm_source without a medium by what it names', () => {
    check([
      [{ source: 'weekly-newsletter' }, null, 'email'],
      [{ source: 'mailchimp' }, null, 'email'],
      [{ source: 'facebook' }, null, 'social'],
      [{ source: 'fb' }, null, 'social'],
      [{ source: 'google' }, null, 'organic_search'],
      [{ source: 'duckduckgo.com' }, null, 'organic_search'],
      [{ source: 'partner-site' }, null, 'other_campaign'],
    ]);
  });

  it('classifies referrers: search, social, webmail, everything else is a referral', () => {
    check([
      [{}, 'www.google.com', 'organic_search'],
      [{}, 'www.google.co.uk', 'organic_search'],
      [{}, 'google.de', 'organic_search'],
      [{}, 'www.bing.com', 'organic_search'],
      [{}, 'duckduckgo.com', 'organic_search'],
      [{}, 'search.yahoo.com', 'organic_search'],
      [{}, 'l.facebook.com', 'social'],
      [{}, 'm.facebook.com', 'social'],
      [{}, 't.co', 'social'],
      [{}, 'x.com', 'social'],
      [{}, 'www.linkedin.com', 'social'],
      [{}, 'lnkd.in', 'social'],
      [{}, 'old.reddit.com', 'social'],
      [{}, 'mail.google.com', 'email'],
      [{}, 'outlook.live.com', 'email'],
      [{}, 'webmail.example.org', 'email'],
      [{}, 'news.ycombinator.com', 'referral'],
      [{}, 'partner.example.org', 'referral'],
    ]);
  });

  it('matches domain-style entries on whole labels: t.company.com is not Twitter, box.com is not X', () => {
    check([
      [{}, 't.company.com', 'referral'],
      [{}, 'x.company.io', 'referral'],
      [{}, 'box.com', 'referral'],
      [{}, 'blog.t.com', 'referral'],
      [{}, 'notgoogle.com', 'referral'],
    ]);
  });

  it('is direct without tags or referrer', () => {
    check([[{}, null, 'direct']]);
  });
});
