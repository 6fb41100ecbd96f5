/**
 * The one rule of what is automated: the same answer for ingest (device class "bot") and the email
 * machine verdict, so that a form, a track and an email click from one client are judged alike.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyUserAgent } from '../../../src/core/events/user-agent-class.js';
import { isMachineEvent, machineEventReason } from '../../../src/core/events/machine-event.js';
import { judgeInteraction } from '../../../src/core/links/machine-verdict.js';
import { reduceUserAgent } from '../../../src/core/privacy/pseudonymise.js';

const AUTOMATED = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', 'Mimecast URL Protect', 'Proofpoint URL Defense',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36', 'Slackbot-LinkExpanding 1.0', 'UptimeRobot/2.0',
];
const LIBRARIES = ['curl/8.5.0', 'python-requests/2.32.3', 'Go-http-client/1.1', 'Wget/1.21.4', 'axios/1.7.2', 'node-fetch/1.0'];
const CLIENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  'Mozilla/4.0 (compatible; ms-office; MSOffice 16)', 'analytics-node-next/1.0',
];

describe('classifyUserAgent', () => {
  it('crawlers, previewers, scanners, monitors and headless browsers are automated, with a name', () => {
    for (const ua of AUTOMATED) {
      const c = classifyUserAgent(ua);
      assert.equal(c.kind, 'automated', ua);
      assert.ok(c.name, ua);
    }
    assert.equal(classifyUserAgent('Mimecast URL Protect').name, 'Mimecast');
  });

  it('HTTP libraries and a missing agent are not automated: servers relay people\'s events with them', () => {
    for (const ua of LIBRARIES) assert.equal(classifyUserAgent(ua).kind, 'http_library', ua);
    assert.equal(classifyUserAgent('curl/8.5.0').name, 'curl');
    for (const ua of [undefined, null, '', '  ']) assert.equal(classifyUserAgent(ua).kind, 'none');
    for (const ua of CLIENTS) assert.equal(classifyUserAgent(ua).kind, 'client', ua);
  });

  it('ingest and the email verdict agree on every automated agent; only email also refuses libraries', () => {
    const click = (userAgent: string) => judgeInteraction({ kind: 'click', userAgent, ip: '198.51.100.20', at: 3_600_000, sentAt: 0 });
    for (const ua of AUTOMATED) {
      assert.equal(reduceUserAgent(ua).deviceClass, 'bot', ua);
      assert.equal(click(ua).machine, true, ua);
    }
    for (const ua of [...LIBRARIES, ...CLIENTS]) assert.notEqual(reduceUserAgent(ua).deviceClass, 'bot', ua);
    for (const ua of LIBRARIES) assert.deepEqual([click(ua).machine, click(ua).reason], [true, 'scanner_user_agent'], ua);
    for (const ua of CLIENTS) assert.equal(click(ua).machine, false, ua);
  });
});

describe('machineEventReason', () => {
  const event = (properties: Record<string, unknown>, context: Record<string, unknown>) => ({ properties, context }) as Parameters<typeof machineEventReason>[0];
  it('names why an event is machine-made, and null for a person\'s', () => {
    assert.deepEqual(machineEventReason(event({ machine: true, machineReason: 'honeypot_link', machineDetail: 'followed the hidden honeypot link' }, {})),
      { reason: 'honeypot_link', detail: 'followed the hidden honeypot link' });
    assert.equal(machineEventReason(event({ machine: true }, {}))?.reason, 'marked_machine');
    assert.equal(machineEventReason(event({}, { machine: true }))?.reason, 'sender_marked');
    assert.deepEqual(machineEventReason(event({}, { device: { class: 'bot' }, browser: { name: 'Googlebot' } })), { reason: 'bot_user_agent', detail: 'automated user agent (Googlebot)' });
    assert.equal(machineEventReason(event({ machine: false }, { device: { class: 'desktop' } })), null);
    assert.equal(isMachineEvent(event({}, { device: { class: 'other' } })), false);
  });
});
