/**
 * The tracker: one visitor per device (see consent.ts for what is stored when), page views with
 * referrer and campaign, visible time on page (`Page Ping` when the page is hidden, `Page Left`
 * by beacon when it is left), outbound and marked clicks, recognition from an email link's `tsr`
 * token, the consent API for the site's banner, and forms. Everything goes to Tessera's existing
 * endpoints (`/v1/batch`, `/v1/consent`, `/v1/recognize…`, `/v1/forms/…`).
 */
import { clickText, isOutbound } from './clicks.js';
import type { TrackerConfig } from './config.js';
import { decodeDecision, encodeDecision, mayStoreId, sendPolicy, type Decision } from './consent.js';
import { mountForm, type MountedForm } from './form.js';
import type { FormTexts } from './form-types.js';
import { uuid } from './ids.js';
import { campaignOf, pageOf, withoutParam, type Campaign, type PageProps } from './page.js';
import { loadSlots, type SlotHost } from './slot-host.js';
import { deviceStore } from './storage.js';
import { injectStyles } from './style.js';
import { createTransport } from './transport.js';
import { setVisible, startClock, visibleMs, type VisibleClock } from './visible-time.js';

export const VERSION = '1.0.0';
/** The content hash of t-slots.js, set by build.ts: the module's address changes with its content. */
declare const __TSR_SLOTS__: string;
const ID = 'tsr_aid';
const CONSENT = 'tsr_consent';
const RECOGNITION = 'tsr_rec';
/** The id lives as long as the default analytics retention; the decision as long as consent records. */
const ID_DAYS = 395;
const CONSENT_DAYS = 395;

type Props = Record<string, unknown>;
interface Recognition { token: string; expiresAt: string; id: string }

export interface TesseraApi {
  page(properties?: Props): void;
  track(event: string, properties?: Props): void;
  identify(userId: string | null, traits?: Props): void;
  /** With purposes: records the decision (POST /v1/consent); without: the current decision or null. */
  consent(purposes?: Decision, options?: { wording?: { version: string; text?: string }; channel?: string }): Decision | null | Promise<boolean>;
  form(id: string, container: HTMLElement, options?: { texts?: Partial<FormTexts> }): Promise<void>;
  /** "Not you?": forgets the recognition and starts a new visitor on this device. */
  forget(): Promise<void>;
  anonymousId(): string;
  readonly ready: Promise<void>;
  readonly version: string;
}

export function startTracker(cfg: TrackerConfig): TesseraApi {
  const net = createTransport(cfg.host, cfg.writeKey);
  const store = deviceStore(cfg.cookieDomain);
  const locale = cfg.locale ?? (document.documentElement.lang || navigator.language || 'en');
  let decision = decodeDecision(store.get(CONSENT));
  const storable = () => mayStoreId(cfg.consent, decision, cfg.idPurpose);
  let id = (storable() && store.get(ID)) || uuid();
  const keepId = () => { if (storable()) store.set(ID, id, ID_DAYS); else store.remove(ID); };
  keepId();
  let userId: string | null = null;
  let held: Props[] = [];
  let recognition: Recognition | null = null;
  const forms: MountedForm[] = [];

  // The email-link token never stays in the address bar, the history or any event's URL.
  const token = new URLSearchParams(location.search).get('tsr');
  if (token !== null) {
    try { history.replaceState(history.state, '', withoutParam(location.href, 'tsr')); } catch { /* sandboxed */ }
  }
  const campaign: Campaign | null = campaignOf(location.search);
  let page: PageProps = pageOf(location.href, document.title, document.referrer);
  let clock: VisibleClock | null = null;
  let viewed = false;

  // Screen size and time zone help analysis but also fingerprinting: sent only once the visitor
  // has consented to be recognised (the user agent is reduced to device class, browser and OS by
  // Tessera before storage).
  const context = () => ({
    page, ...(campaign ? { campaign } : {}), library: { name: 'tessera.js', version: VERSION }, locale, userAgent: navigator.userAgent,
    ...(storable() ? { screen: { width: screen.width, height: screen.height }, timezone: Intl.DateTimeFormat().resolvedOptions().timeZone } : {}),
  });
  const send = (events: Props[], beacon = false) => {
    const policy = sendPolicy(cfg.consent, decision, cfg.idPurpose);
    if (policy === 'wait') held.push(...events);
    if (policy !== 'send' || events.length === 0) return;
    void net.post('/v1/batch', { batch: events, sentAt: new Date().toISOString() }, beacon);
  };
  const event = (type: string, fields: Props): Props => ({
    type, messageId: uuid(), anonymousId: id, ...(userId ? { userId } : {}), timestamp: new Date().toISOString(), context: context(), ...fields,
  });
  const track = (name: string, properties: Props = {}, beacon = false) => send([event('track', { event: name, properties })], beacon);

  /** Reports the visible time of the current page view; `Page Left` ends it. */
  const report = (name: 'Page Ping' | 'Page Left') => {
    if (!clock) return;
    track(name, { visibleMs: visibleMs(clock, performance.now()) }, true);
    if (name === 'Page Left') clock = null;
  };
  const viewPage = (properties: Props = {}) => {
    report('Page Left');
    // The first view's referrer is the previous site; a later one (single-page app) the previous view.
    const referrer = viewed ? page.url : document.referrer;
    viewed = true;
    page = pageOf(withoutParam(location.href, 'tsr'), document.title, referrer);
    clock = startClock(performance.now(), document.visibilityState === 'visible');
    send([event('page', { name: document.title, properties: { ...page, ...properties } })]);
  };

  const saveRecognition = (r: Recognition | null) => {
    recognition = r;
    try {
      if (r && storable()) sessionStorage.setItem(RECOGNITION, JSON.stringify(r));
      else sessionStorage.removeItem(RECOGNITION);
    } catch { /* storage blocked: kept for this page only */ }
  };
  const loadRecognition = (): Recognition | null => {
    try {
      const r = JSON.parse(sessionStorage.getItem(RECOGNITION) ?? 'null') as Recognition | null;
      return r && r.id === id && Date.parse(r.expiresAt) > Date.now() ? r : null;
    } catch { return null; }
  };
  const currentRecognition = () => (recognition && recognition.id === id && Date.parse(recognition.expiresAt) > Date.now() ? recognition.token : null);

  // Recognition from an email link, else from the site's server (data-recognition; its expiry is
  // the server's business: a stale token just shows no pre-fill); a kiosk never recognises anyone.
  const fromServer = cfg.recognition ? { token: cfg.recognition, expiresAt: new Date(Date.now() + 1_800_000).toISOString(), id } : null;
  const ready: Promise<void> = cfg.kiosk ? Promise.resolve(saveRecognition(null))
    : token ? net.post<{ recognition: string; expiresAt: string; anonymousId?: string }>('/v1/recognize', { token, anonymousId: id }).then((a) => {
      // On a device that belongs to another known person the server hands out a fresh id to use.
      if (a.status === 200 && a.body?.anonymousId && a.body.anonymousId !== id) { id = a.body.anonymousId; keepId(); }
      saveRecognition(a.status === 200 && a.body?.recognition ? { token: a.body.recognition, expiresAt: a.body.expiresAt, id } : fromServer ?? loadRecognition());
    })
    : Promise.resolve(saveRecognition(fromServer ?? loadRecognition()));

  const newVisitor = () => {
    saveRecognition(null);
    userId = null;
    id = uuid();
    keepId();
  };
  const forget = async () => {
    const r = currentRecognition();
    await net.post('/v1/recognize/forget', { anonymousId: id, ...(r ? { recognition: r } : {}) });
    newVisitor();
    await Promise.all(forms.map((f) => f.reload()));
  };

  const api: TesseraApi = {
    page: viewPage,
    track: (name, properties) => track(name, properties),
    identify(uid, traits = {}) {
      userId = uid;
      send([event('identify', { traits })]);
    },
    consent(purposes, options = {}) {
      if (!purposes) return decision;
      decision = { ...decision, ...purposes };
      store.set(CONSENT, encodeDecision(decision), CONSENT_DAYS);
      keepId();
      const waiting = held;
      held = [];
      send(waiting);
      return net.post('/v1/consent', {
        anonymousId: id, ...(userId ? { userId } : {}), purposes, channel: options.channel ?? 'banner', ...(options.wording ? { wording: options.wording } : {}),
      }).then((a) => a.status === 200);
    },
    async form(formId, container, options = {}) {
      // One form per container: the automatic mount and a page's own call must not render twice.
      if (container.hasAttribute('data-tsr-mounted')) return;
      container.setAttribute('data-tsr-mounted', '');
      if (cfg.styles) injectStyles();
      const mounted = mountForm({
        transport: net, locale, kiosk: cfg.kiosk, anonymousId: () => id, recognition: currentRecognition, forget,
        submitted: () => { if (cfg.kiosk) newVisitor(); },
      }, formId, container, options.texts);
      forms.push(mounted);
      await ready;
      await mounted.reload();
    },
    forget,
    anonymousId: () => id,
    ready,
    version: VERSION,
  };

  document.addEventListener('visibilitychange', () => {
    const visible = document.visibilityState === 'visible';
    if (clock) setVisible(clock, visible, performance.now());
    if (!visible) report('Page Ping');
  });
  addEventListener('pagehide', () => {
    report('Page Left');
    forms.forEach((f) => f.leave());
  });
  // A page restored from the back/forward cache is a new view of it.
  addEventListener('pageshow', (e) => { if (e.persisted) viewPage(); });
  document.addEventListener('click', (e) => {
    const target = e.target instanceof Element ? e.target : null;
    const marked = target?.closest('[data-tessera-click]');
    const link = target?.closest('a[href]') as HTMLAnchorElement | null | undefined;
    const text = clickText((marked ?? link)?.textContent);
    if (marked) track(marked.getAttribute('data-tessera-click') || 'Element Clicked', { text, ...(link ? { url: link.href } : {}) }, true);
    else if (link && isOutbound(link.href, location.href, cfg.cookieDomain)) track('Outbound Link Clicked', { url: link.href, text }, true);
  }, true);

  // Slots (data-tessera-slot): the slot module is loaded only on pages that have them, and in
  // strict mode only once events may be sent (before that, the slots keep their default).
  const slotHost: SlotHost = { t: api, post: net.post, rec: currentRecognition, locale, timeout: cfg.slotTimeout, styles: cfg.styles };
  const slots = () => { if (sendPolicy(cfg.consent, decision, cfg.idPurpose) === 'send') loadSlots(slotHost, `${cfg.host}/t-slots.js?v=${__TSR_SLOTS__}`); };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', slots);
  else slots();

  if (cfg.spa) {
    // After the app's own handler (a macrotask later), so that the new view's title is set.
    const changed = () => setTimeout(() => {
      if (location.href.split('#')[0] !== page.url.split('#')[0]) { viewPage(); slots(); }
    }, 0);
    for (const name of ['pushState', 'replaceState'] as const) {
      const original = history[name];
      history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
        original.apply(this, args);
        changed();
      };
    }
    addEventListener('popstate', changed);
  }
  if (cfg.autoPage) viewPage();
  return api;
}
