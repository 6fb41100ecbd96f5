/** The machine-vs-human verdict on email events: each rule, its order, and what it must not catch. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_MACHINE_RULES, judgeInteraction, type EmailInteraction } from '../../../src/core/links/machine-verdict.js';

const SENT = Date.UTC(2026, 0, 5, 9);
const SAFARI = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const human = (over: Partial<EmailInteraction> = {}): EmailInteraction => ({ kind: 'click', userAgent: SAFARI, ip: '198.51.100.20', at: SENT + 3_600_000, sentAt: SENT, ...over });
const reason = (e: EmailInteraction, rules = DEFAULT_MACHINE_RULES) => { const v = judgeInteraction(e, rules); return v.machine ? v.reason : null; };

describe('machine verdict', () => {
  it('a person in a browser or mail app, an hour after the send, is human', () => {
    for (const userAgent of [SAFARI, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
      'Mozilla/4.0 (compatible; ms-office; MSOffice 16)', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.0']) {
      for (const kind of ['click', 'open', 'survey', 'unsubscribe', 'optin'] as const) {
        assert.deepEqual(judgeInteraction(human({ userAgent, kind })), { machine: false, reason: null }, `${kind} by ${userAgent}`);
      }
    }
  });

  it('Gmail\'s image proxy fetches the pixel when the person opens the email: a human open', () => {
    assert.equal(reason(human({ kind: 'open', userAgent: 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)' })), null);
  });

  it('the honeypot wins over everything', () => {
    assert.equal(reason(human({ honeypot: true })), 'honeypot_link');
    assert.equal(reason(human({ honeypot: true, oneClick: true })), 'honeypot_link');
  });

  it('a prefetch is a machine', () => {
    assert.equal(reason(human({ prefetch: true })), 'prefetch');
  });

  it('known scanners, crawlers, HTTP libraries and a missing user agent are machines', () => {
    for (const userAgent of ['Mozilla/5.0 (compatible; Barracuda Sentinel)', 'Mimecast URL Protect', 'Proofpoint URL Defense', 'python-requests/2.32', 'curl/8.5.0',
      'Go-http-client/1.1', 'Mozilla/5.0 (compatible; bingbot/2.0)', 'Microsoft Office Protection', 'Googlebot/2.1', '', '   ',
      // A headless browser shows nobody the page: automated on every path (core/events/user-agent-class.ts).
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/130.0.0.0 Safari/537.36']) {
      assert.equal(reason(human({ userAgent })), 'scanner_user_agent', JSON.stringify(userAgent));
    }
    assert.equal(reason(human({ userAgent: undefined })), 'scanner_user_agent');
  });

  it('Apple Mail Privacy Protection: its bare agent or Apple\'s network on an open', () => {
    assert.equal(reason(human({ kind: 'open', userAgent: 'Mozilla/5.0' })), 'apple_mail_privacy');
    assert.equal(reason(human({ kind: 'open', ip: '17.58.101.3' })), 'apple_mail_privacy');
    assert.equal(reason(human({ kind: 'open', ip: '::ffff:17.58.101.3' })), 'apple_mail_privacy', 'IPv4-mapped');
    assert.equal(reason(human({ kind: 'click', ip: '17.58.101.3' })), null, 'MPP does not click: an Apple employee clicking is a person');
    assert.equal(reason(human({ kind: 'click', userAgent: 'Mozilla/5.0' })), 'scanner_user_agent', 'a bare agent clicking is no browser');
  });

  it('configured scanner networks, IPv4 and IPv6', () => {
    const rules = { ...DEFAULT_MACHINE_RULES, scannerNetworks: ['40.94.0.0/16', '2603:10a6::/32'] };
    assert.equal(reason(human({ ip: '40.94.12.1' }), rules), 'scanner_network');
    assert.equal(reason(human({ ip: '2603:10a6:20b:1::5' }), rules), 'scanner_network');
    assert.equal(reason(human({ ip: '40.95.0.1' }), rules), null);
    assert.equal(reason(human({ ip: '2603:10a7::1' }), rules), null);
    assert.equal(reason(human({ ip: 'not-an-ip' }), rules), null);
  });

  it('a click within seconds of the send is a machine; the POSTs of answers are not judged by time', () => {
    assert.equal(reason(human({ at: SENT + 3_000 })), 'right_after_send');
    assert.equal(reason(human({ at: SENT + 9_999 })), 'right_after_send');
    assert.equal(reason(human({ at: SENT + 10_000 })), null);
    assert.equal(reason(human({ at: SENT + 1_000, sentAt: null })), null, 'unknown send time');
    for (const kind of ['survey', 'unsubscribe', 'optin', 'open'] as const) assert.equal(reason(human({ kind, at: SENT + 1_000 })), null, kind);
  });

  it('several other links of the email clicked within two seconds: a burst', () => {
    const at = SENT + 600_000;
    assert.equal(reason(human({ at, otherClicksAt: [at - 500, at - 1500] })), 'click_burst');
    assert.equal(reason(human({ at, otherClicksAt: [at - 500] })), null, 'two clicks are a person opening two tabs');
    assert.equal(reason(human({ at, otherClicksAt: [at - 5_000, at - 9_000] })), null, 'spread out');
  });

  it('RFC 8058 one-click unsubscribe: the mailbox provider\'s agent and network are expected', () => {
    const rules = { ...DEFAULT_MACHINE_RULES, scannerNetworks: ['209.85.0.0/16'] };
    assert.equal(reason(human({ kind: 'unsubscribe', oneClick: true, userAgent: undefined, ip: '209.85.1.1' }), rules), null);
    assert.equal(reason(human({ kind: 'unsubscribe', oneClick: true, userAgent: 'Google-List-Unsubscribe' }), rules), null);
  });

  it('gives a readable detail with every machine verdict', () => {
    const v = judgeInteraction(human({ userAgent: 'Mimecast URL Protect' }));
    assert.ok(v.machine && v.detail === 'Mimecast user agent');
  });
});
