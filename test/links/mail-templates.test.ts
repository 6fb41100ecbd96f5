/** The emails Tessera writes: every value escaped, the honeypot hidden, a text alternative; RFC 8058 body detection. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOneClick } from '../../src/http/routes/subscription-pages.js';
import { confirmationMail, linksMail } from '../../src/links/mail-templates.js';
import type { MintedLinks } from '../../src/links/mint-links.js';

const minted: MintedLinks = {
  recipient: 'prf_1', messageId: 'm1',
  links: [{ url: 'https://acme.example/a?x=1&y=2', href: 'https://t.example/e/c/tok"1' }],
  openPixel: 'https://t.example/e/o/pix', honeypot: 'https://t.example/e/c/honey', formUrl: null,
  survey: { id: 's', question: { id: 'q', prompt: 'Which <b>PLM</b>?' }, answers: [{ value: 'a', label: 'A & B', href: 'https://t.example/e/s/a' }] },
  unsubscribe: 'https://t.example/e/u/unsub', headers: {}, subscription: null,
};

describe('mail templates', () => {
  it('escapes every value of the links email and hides the honeypot', () => {
    const mail = linksMail({ subject: 'Hi', intro: 'Hello <script>alert(1)</script>\nline two', labels: ['Read <this>'] }, minted);
    assert.doesNotMatch(mail.html, /<script>|<b>PLM|Read <this>/);
    assert.match(mail.html, /Hello &lt;script&gt;alert\(1\)&lt;\/script&gt;<br>line two/);
    assert.match(mail.html, /href="https:\/\/t\.example\/e\/c\/tok&quot;1">Read &lt;this&gt;<\/a>/);
    assert.match(mail.html, /Which &lt;b&gt;PLM&lt;\/b&gt;\?/);
    assert.match(mail.html, /A &amp; B/);
    assert.match(mail.html, /<div style="display:none[^"]*" aria-hidden="true"><a href="https:\/\/t\.example\/e\/c\/honey" tabindex="-1">/);
    assert.match(mail.html, /<img src="https:\/\/t\.example\/e\/o\/pix" width="1" height="1" alt=""/);
    assert.match(mail.text, /Read <this>: https:\/\/t\.example\/e\/c\/tok"1/);
    assert.match(mail.text, /Unsubscribe: https:\/\/t\.example\/e\/u\/unsub/);
    assert.doesNotMatch(mail.text, /honey|pix/, 'no hidden links in the text part');
  });

  it('the confirmation email names the list, escaped, and how long the link works', () => {
    const mail = confirmationMail({ id: 'l', name: 'News <weekly>', purpose: 'email_marketing' }, 'https://t.example/e/optin/x', 7 * 86_400_000);
    assert.match(mail.html, /News &lt;weekly&gt;/);
    assert.match(mail.text, /works for 7 days/);
    assert.match(mail.text, /Confirm: https:\/\/t\.example\/e\/optin\/x/);
  });
});

describe('RFC 8058 one-click body', () => {
  it('accepts both spellings the RFC allows, and nothing else', () => {
    assert.equal(isOneClick('List-Unsubscribe=One-Click'), true);
    assert.equal(isOneClick('a=b&List-Unsubscribe=One-Click'), true);
    assert.equal(isOneClick('--x\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--x--'), true);
    for (const body of ['', 'confirm=1', 'List-Unsubscribe=One-Clicks', 'XList-Unsubscribe=One-Click', undefined, { 'List-Unsubscribe': 'One-Click' }]) {
      assert.equal(isOneClick(body), false, JSON.stringify(body));
    }
  });
});
