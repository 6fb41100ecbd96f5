/**
 * The end-to-end scenario of issue 6 in headless Chromium, against a real Tessera process with a
 * real SMTP server in-process:
 *  1. a visitor lands on the demo site from a campaign, accepts the banner, browses, and downloads
 *     the whitepaper through a 3-field form;
 *  2. the marketer sends an email (read from the SMTP server) with a one-click survey and a link to
 *     a second form; the person answers the survey in one click;
 *  3. the form link (click redirect → landing page with `tsr`) recognises the person: the second form
 *     shows the known email masked, with "Not you?", and asks two new questions only (never the name,
 *     the company or the PLM system the survey answered), which the person answers;
 *  4. the profile holds every answer with its source, and the timeline shows each step;
 *  5. a second browser context on the same machine, without the link, sees no personal data.
 * Screenshots of the forms: test-artifacts/lead-journey/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, launchChromium } from '../support/browser.js';
import { freePort, PROJECT_ROOT, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { ADMIN_KEY, tempDir, WRITE_KEY } from '../support/tessera-under-test.js';
import { buildTracker } from '../../web/tracker/build.js';
import { adminGet, eventually, timelineOf, watchPageErrors, watchTessera, type EventView } from './browser-harness.js';
import { ASSESSMENT_FORM, createForm, WHITEPAPER_FORM } from './lead-forms.js';
import { hrefsOf, startMailbox, type Mailbox } from './mailbox.js';
import { trackerReady } from './tracker-helpers.js';
import { startTrackerSite, TRACKER_SITE_BROWSER_ARGS, type TrackerSite } from './tracker-site.js';

/**
 * The people of this journey use an ordinary desktop Chrome. Headless Chromium announces itself
 * (HeadlessChrome), and Tessera's one rule of automated agents (core/events/user-agent-class.ts)
 * treats it as a machine on every path: its email clicks get no identify token.
 */
const PERSON_BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts', 'lead-journey');
const EMAIL = 'karoline.weber@acme-industries.com';
/** Clicks sooner than this after the send are judged a link scanner's (machine-verdict.ts). */
const HUMAN_DELAY_MS = 10_500;
const SURVEY = {
  name: 'PLM system',
  questions: [{ id: 'plm', prompt: 'Which PLM system do you use?', trait: 'plmSystem',
    options: [{ value: 'teamcenter', label: 'Teamcenter' }, { value: 'windchill', label: 'Windchill' }, { value: '3dexperience', label: '3DEXPERIENCE' }] }],
  thankYou: { message: 'Thank you, noted!' },
};

const skip = browserSkipReason();
const dataDir = tempDir('tessera-journey-');
let browser: Browser;
let tessera: ServerProcess;
let site: TrackerSite;
let mailbox: Mailbox;

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  await buildTracker();
  mailbox = await startMailbox();
  const port = await freePort();
  tessera = await startServerProcess({
    dataDir: dataDir.path, port,
    env: { TESSERA_SMTP_URL: mailbox.url, TESSERA_MAIL_FROM: 'Acme PLM <news@acme.test>', TESSERA_PUBLIC_URL: `http://127.0.0.1:${port}`, TESSERA_LINK_DOMAINS: 'acme.test' },
  });
  await createForm(tessera.url, WHITEPAPER_FORM);
  await createForm(tessera.url, ASSESSMENT_FORM);
  const survey = await adminSend(tessera.url, 'PUT', '/v1/surveys/plm', SURVEY);
  assert.ok(survey.status === 200 || survey.status === 201, `creating the survey: ${survey.status} ${JSON.stringify(survey.body)}`);
  site = await startTrackerSite({ tesseraUrl: tessera.url, writeKey: WRITE_KEY });
  site.forms = { whitepaper: WHITEPAPER_FORM.id, second: ASSESSMENT_FORM.id };
  browser = await launchChromium(undefined, TRACKER_SITE_BROWSER_ARGS);
});
after(async () => {
  await browser?.close();
  await site?.close();
  await tessera?.stop();
  await mailbox?.close();
  dataDir.remove();
});

async function adminSend(tesseraUrl: string, method: 'PUT' | 'POST', path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${tesseraUrl}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

interface Profile {
  id: string;
  traits: Record<string, unknown>;
  traitSources: Record<string, { source: string }>;
  identities: Array<{ kind: string; value: string }>;
  behaviour: { pageViews: number; acquisition: { firstTouch: { channel: string; source: string | null; campaign: string | null } | null } };
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
const fieldKeys = (page: Page) => page.locator('.tsr-field').evaluateAll((els) => els.map((e) => e.getAttribute('data-key') ?? ''));

/** Answers a rendered question with its first option (or a number). */
async function answer(page: Page, key: string): Promise<void> {
  const field = page.locator(`.tsr-field[data-key="${key}"]`);
  if (await field.locator('select').count()) await field.locator('select').selectOption({ index: 1 });
  else if (await field.locator('input[type=radio]').count()) await field.locator('input[type=radio]').first().check();
  else await field.locator('input:not(.tsr-decline)').first().fill('25');
}

test('the lead journey: campaign visit, whitepaper form, email with survey and form link, masked pre-fill, every answer on the profile, nothing for the next person', { skip, timeout: 240_000 }, async (t) => {
  site.attrs = { 'cookie-domain': 'acme.test' };
  const context = await browser.newContext({ viewport: { width: 900, height: 1000 }, userAgent: PERSON_BROWSER });
  t.after(() => context.close());
  const network = watchTessera(context, tessera.url);
  const page = await context.newPage();
  const errors = watchPageErrors(page);
  const diagnose = () => `Browser → Tessera:\n${network.describe()}\nPage errors:\n${errors.join('\n')}\nTessera:\n${tessera.output()}`;

  // 1. A campaign visit; the banner is accepted; the visitor browses and downloads the whitepaper.
  await page.goto(site.url('www.acme.test', '/?utm_source=linkedin&utm_medium=social&utm_campaign=plm-guide'), { referer: 'https://www.linkedin.com/' });
  await trackerReady(page);
  await page.click('#accept');
  await page.click('#to-pricing');
  await page.click('#to-whitepaper');
  const visitor = await trackerReady(page);
  await page.waitForSelector('form.tsr-form');
  assert.deepEqual(await fieldKeys(page), ['firstName', 'email', 'company'], 'the first form asks three fields');
  await shot(page, '1-whitepaper-form.png');
  await page.getByRole('textbox', { name: 'First name' }).fill('Karoline');
  await page.getByRole('textbox', { name: 'Work email' }).fill(EMAIL);
  await page.getByRole('textbox', { name: 'Company' }).fill('Acme Industries');
  await page.getByRole('button', { name: 'Send me the guide' }).click();
  await page.getByText('Thank you! The guide is on its way to your inbox.').waitFor();
  await shot(page, '2-whitepaper-thanks.png');
  await eventually('the whitepaper answers on the profile', () => adminGet<Profile>(tessera.url, `/v1/profiles/${encodeURIComponent(EMAIL)}`),
    (p) => p.status === 200 && p.body.traits.company === 'Acme Industries', diagnose);

  // 2. The marketer's email, over real SMTP: a link, the survey, the link to the second form.
  const sent = await adminSend(tessera.url, 'POST', '/v1/emails/send', {
    recipient: EMAIL, messageId: 'nurture-1', subject: 'Your PLM Maturity Guide', intro: 'Hi Karoline, here is your guide. One quick question?',
    links: [{ url: site.url('www.acme.test', '/pricing') }], labels: ['See pricing'], survey: 'plm', formUrl: site.url('www.acme.test', '/next-step'),
  });
  assert.ok(sent.status >= 200 && sent.status < 300, `sending: ${sent.status} ${JSON.stringify(sent.body)}`);
  const sentAt = Date.now();
  const mail = await mailbox.waitFor(EMAIL);
  assert.equal(mail.subject, 'Your PLM Maturity Guide');
  const hrefs = hrefsOf(mail.html);
  const answers = hrefs.filter((h) => h.includes('/e/s/'));
  assert.equal(answers.length, 3, `one answer link per option in the email:\n${hrefs.join('\n')}`);
  const windchill = answers[1]!;
  const formLink = hrefs.find((h) => mail.html.includes(`href="${h.replace(/&/g, '&amp;')}">Tell us a little more`));
  assert.ok(formLink, `the form link in the email:\n${mail.html}`);
  assert.doesNotMatch(mail.html, /tsr=/, 'the identify token is minted at click time, never stored in the email');

  // A person reads before clicking: a click right after the send is what link scanners do.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, sentAt + HUMAN_DELAY_MS - Date.now())));

  // The one-click survey: "Windchill" (the second answer).
  const surveyPage = await context.newPage();
  await surveyPage.goto(windchill);
  await surveyPage.getByText('Thank you, noted!').waitFor({ timeout: 30_000 });
  await shot(surveyPage, '3-survey-answered.png');
  await surveyPage.close();

  // 3. The form link: click redirect → landing page with tsr → recognised, masked pre-fill.
  await page.goto(formLink);
  await page.waitForURL((url) => url.pathname === '/next-step');
  await page.waitForSelector('form.tsr-form .tsr-recognized');
  assert.doesNotMatch(page.url(), /tsr=/, 'the token left the address bar');
  assert.match(await page.locator('.tsr-recognized').innerText(), /Welcome back, k\*+@acme-industries\.com/);
  const email = page.getByRole('textbox', { name: 'Work email' });
  assert.match(await email.inputValue(), /^k\*+@acme-industries\.com$/);
  assert.doesNotMatch(await page.content(), /karoline\.weber/, 'the address never reaches the page in clear');
  const keys = await fieldKeys(page);
  const asked = keys.filter((k) => k !== 'email');
  assert.equal(asked.length, 2, `two new questions: ${keys.join(', ')}`);
  for (const known of ['firstName', 'company', 'plmSystem']) assert.ok(!asked.includes(known), `${known} is known and never asked again`);
  await shot(page, '4-assessment-prefilled.png');
  for (const key of asked) await answer(page, key);
  // Each submission shows the next question (none already answered) until nothing is left to ask.
  const answered = [...asked];
  let assessmentSubmits = 0;
  for (let round = 1; ; round++) {
    await page.locator('form.tsr-form').evaluate((form) => form.setAttribute('data-submitted', ''));
    await page.getByRole('button', { name: 'Get my assessment' }).click();
    assessmentSubmits++;
    await page.waitForSelector('.tsr-thanks, form.tsr-form:not([data-submitted])');
    if (await page.locator('.tsr-thanks').count()) break;
    assert.ok(round < 5, 'the questions come to an end');
    const more = (await page.locator('.tsr-field:not(:has(.tsr-prefilled))').evaluateAll((els) => els.map((e) => e.getAttribute('data-key') ?? '')));
    assert.ok(more.length > 0, 'a next view asks something');
    for (const key of more) assert.ok(![...answered, 'firstName', 'company', 'plmSystem'].includes(key), `${key} was answered already`);
    await shot(page, `5-assessment-next-question-${round}.png`);
    for (const key of more) await answer(page, key);
    answered.push(...more);
  }
  assert.equal(await page.locator('.tsr-thanks').innerText(), 'Thank you! Your assessment follows shortly.');
  await shot(page, '6-assessment-thanks.png');

  // 4. Every answer on one profile, with its source; each step on the timeline.
  const profile = await eventually('every answer on the profile', () => adminGet<Profile>(tessera.url, `/v1/profiles/${encodeURIComponent(EMAIL)}`),
    (p) => p.status === 200 && answered.every((k) => p.body.traits[k] !== undefined) && p.body.traits.plmSystem !== undefined, diagnose);
  const sources = Object.fromEntries(['firstName', 'email', 'company', 'plmSystem', ...answered].map((k) => [k, profile.body.traitSources[k]?.source]));
  // The email was given on the whitepaper form; the email link's recognition confirmed it last, and
  // a trait keeps the source of its latest confirmation.
  assert.deepEqual(sources, {
    firstName: 'form:whitepaper', email: 'email-link', company: 'form:whitepaper', plmSystem: 'survey:plm',
    ...Object.fromEntries(answered.map((k) => [k, 'form:assessment'])),
  });
  assert.equal(profile.body.traits.plmSystem, 'windchill');
  assert.ok(profile.body.identities.some((i) => i.kind === 'anonymous_id' && i.value === visitor), 'the browsing visitor is this person');
  const firstTouch = profile.body.behaviour.acquisition.firstTouch;
  assert.deepEqual({ source: firstTouch?.source, campaign: firstTouch?.campaign }, { source: 'linkedin', campaign: 'plm-guide' }, 'the campaign that brought the lead');
  const timeline = await timelineOf(tessera.url, EMAIL);
  const names = (events: EventView[]) => events.map((e) => e.event ?? e.type);
  const seen = names(timeline);
  for (const step of ['page', 'Form Viewed', 'Form Started', 'Form Submitted', 'Email Link Clicked']) assert.ok(seen.includes(step), `${step} on the timeline:\n${seen.join(', ')}`);
  const submitted = timeline.filter((e) => e.event === 'Form Submitted');
  assert.equal(submitted.length, 1 + assessmentSubmits, 'every submission of both forms');
  // The steps in the order they happened.
  const chronological = [...timeline].reverse();
  const at = (what: string, match: (e: EventView) => boolean) => {
    const i = chronological.findIndex(match);
    assert.ok(i >= 0, `${what} on the timeline:\n${names(chronological).join(', ')}`);
    return i;
  };
  const steps = [
    at('the campaign landing', (e) => e.type === 'page' && e.properties.path === '/'),
    at('the banner consent', (e) => e.type === 'consent'),
    at('the whitepaper submission', (e) => e.event === 'Form Submitted' && e.properties.formId === WHITEPAPER_FORM.id),
    at('the survey answer', (e) => e.event === 'Survey Answered' && e.properties.answer === 'windchill'),
    at('the form link click', (e) => e.event === 'Email Link Clicked' && e.properties.link_url === site.url('www.acme.test', '/next-step')),
    at('the landing on the second form', (e) => e.type === 'page' && e.properties.path === '/next-step'),
    at('the assessment submission', (e) => e.event === 'Form Submitted' && e.properties.formId === ASSESSMENT_FORM.id),
  ];
  assert.deepEqual(steps, [...steps].sort((x, y) => x - y), `the steps in order:\n${names(chronological).join(', ')}`);
  const pages = timeline.filter((e) => e.type === 'page').map((e) => e.properties.path);
  for (const path of ['/', '/pricing', '/whitepaper', '/next-step']) assert.ok(pages.includes(path), `${path} viewed: ${pages.join(', ')}`);
  assert.doesNotMatch(JSON.stringify(timeline), /tsr=/, 'no link token in any event');

  // 5. The next person on this machine, without the link: nothing personal.
  const next = await browser.newContext({ viewport: { width: 900, height: 1000 }, userAgent: PERSON_BROWSER });
  t.after(() => next.close());
  const nextPage = await next.newPage();
  await nextPage.goto(site.url('www.acme.test', '/next-step'));
  await nextPage.waitForSelector('form.tsr-form');
  assert.equal(await nextPage.locator('.tsr-recognized, .tsr-prefilled').count(), 0);
  assert.doesNotMatch(await nextPage.content(), /acme-industries|Karoline|windchill/i);
  await shot(nextPage, '7-next-person.png');
  assert.deepEqual(errors, [], diagnose());
});
