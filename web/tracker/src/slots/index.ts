/**
 * Entry of /t-slots.js, the slot module of the tracker (issue 14), loaded by t.js only on pages
 * with `<div data-tessera-slot="hero">default HTML</div>` elements. Talks to Tessera and the
 * tracker only through the handshake t.js leaves on `window.__tsrSlots` (slot-host.ts).
 *
 * - One batched `POST /v1/decide` for all slots of the page (≤ 20 ids); slots wait hidden
 *   (`tsr-wait`, space kept) until the answer or the anti-flicker timeout, whichever is first. An
 *   answer after the timeout is not applied: the default HTML stays.
 * - Each decision is announced by a cancelable, bubbling `tessera:slot` CustomEvent on the slot
 *   (detail: the decision); a listener that calls preventDefault() renders it itself.
 * - `Slot Viewed` once per decision (≥ 50% visible for 1 s), `Slot Clicked` for links in the slot,
 *   `Slot Dismissed` from the "Why?" panel, all through the tracker's `track`.
 * - Single-page apps (data-spa): every navigation decides again for the slots then on the page,
 *   and slots added to the page later are decided when they appear.
 */
import { SLOT_SELECTOR, WAIT_CLASS, type SlotHost } from '../slot-host.js';
import { contextOf, itemOf, slotIds, type DecideAnswer, type SlotDecision } from './decision.js';
import { watchView } from './exposure.js';
import { renderVariant } from './render.js';
import { injectSlotStyles } from './style.js';
import { slotTexts } from './texts.js';
import { addWhy } from './why.js';

interface SlotState {
  /** The page's own content of the slot, put back when a decision is withdrawn or dismissed. */
  def: string;
  /** The round whose answer this slot waits for (a later round wins over an earlier one). */
  round: number;
  d?: SlotDecision | undefined;
  stopView?: (() => void) | undefined;
}

function start(h: SlotHost): void {
  const texts = slotTexts(h.locale);
  const states = new WeakMap<HTMLElement, SlotState>();
  const viewed = new Set<string>();
  let rounds = 0;
  let here = location.href;
  let referrer = document.referrer;
  const idOf = (el: HTMLElement) => el.getAttribute('data-tessera-slot') ?? '';
  const stateOf = (el: HTMLElement): SlotState => {
    let s = states.get(el);
    if (!s) states.set(el, (s = { def: el.innerHTML, round: 0 }));
    return s;
  };
  const all = () => Array.from(document.querySelectorAll<HTMLElement>(SLOT_SELECTOR));
  const props = (d: SlotDecision) => ({ slot: d.slot, variant: d.variant.id, decisionId: d.decisionId });

  const clear = (s: SlotState) => { s.stopView?.(); s.stopView = s.d = undefined; };
  const restore = (el: HTMLElement, s: SlotState) => { clear(s); el.innerHTML = s.def; };
  /** Keeps the keyboard user's place when the control they used goes away. */
  const refocus = (el: HTMLElement) => {
    const target = el.querySelector<HTMLElement>('.tsr-why-btn') ?? el;
    if (target === el && !el.hasAttribute('tabindex')) el.tabIndex = -1;
    target.focus();
  };

  const apply = (el: HTMLElement, s: SlotState, d: SlotDecision) => {
    clear(s);
    s.d = d;
    if (el.dispatchEvent(new CustomEvent('tessera:slot', { bubbles: true, cancelable: true, detail: d }))) {
      renderVariant(el, d.variant, texts);
      const consent = h.t.consent() as Record<string, boolean> | null;
      if (d.showWhy) {
        addWhy(el, d, texts, {
          general: consent?.personalization !== false,
          onGeneral: async () => {
            await h.t.consent({ personalization: false });
            await decide(all(), Infinity);
            refocus(el);
          },
          onDismiss: () => {
            h.t.track('Slot Dismissed', props(d));
            restore(el, s);
            refocus(el);
          },
        });
      }
    }
    s.stopView = watchView(el, () => {
      if (viewed.has(d.decisionId)) return;
      viewed.add(d.decisionId);
      h.t.track('Slot Viewed', { ...props(d), ...itemOf(d), ruleId: d.rule, tags: d.tags, depth: d.depth });
    });
  };

  /** One decide call for `els`; its answer is applied only before `deadline` (performance.now()). */
  async function decide(els: HTMLElement[], deadline: number, round = ++rounds): Promise<void> {
    for (const el of els) stateOf(el).round = round;
    const ids = slotIds(els.map(idOf));
    let answer: DecideAnswer | null = null;
    if (ids.length > 0 && performance.now() < deadline) {
      await h.t.ready;
      const recognition = h.rec();
      let timezone: string | undefined;
      try { timezone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch { /* no Intl */ }
      const a = await h.post<DecideAnswer>('/v1/decide', {
        slots: ids, anonymousId: h.t.anonymousId(), ...(recognition ? { recognition } : {}),
        context: contextOf({ href: here, referrer, locale: h.locale, timezone }),
      });
      if (a.status === 200 && performance.now() <= deadline) answer = a.body;
    }
    for (const el of els) {
      const s = stateOf(el);
      if (s.round !== round) continue;
      const d = answer?.decisions?.[idOf(el)];
      if (d) apply(el, s, d);
      else if (s.d) restore(el, s);
      el.classList.remove(WAIT_CLASS);
    }
  }

  // Slots of a navigation and slots that appear later are collected for one call.
  let queued: Set<HTMLElement> | null = null;
  const queue = (els: HTMLElement[], since = performance.now()) => {
    if (els.length === 0) return;
    for (const el of els) el.classList.add(WAIT_CLASS);
    if (queued) { els.forEach((el) => queued!.add(el)); return; }
    const batch = (queued = new Set(els));
    const round = ++rounds;
    const deadline = since + h.timeout;
    setTimeout(() => {
      queued = null;
      void decide([...batch], deadline, round);
    }, 0);
    // The bound holds even when the call never ends; a slot still waiting gets the page's default.
    setTimeout(() => batch.forEach((el) => {
      const s = stateOf(el);
      if (s.round !== round || !el.classList.contains(WAIT_CLASS)) return;
      if (s.d) restore(el, s);
      el.classList.remove(WAIT_CLASS);
    }), Math.max(0, deadline - performance.now()));
  };

  if (h.styles) injectSlotStyles();
  document.addEventListener('click', (e) => {
    const link = e.target instanceof Element ? e.target.closest('a[href]') as HTMLAnchorElement | null : null;
    const el = link && !link.closest('.tsr-why') ? link.closest<HTMLElement>(SLOT_SELECTOR) : null;
    const d = el ? states.get(el)?.d : undefined;
    if (d) h.t.track('Slot Clicked', { ...props(d), ...itemOf(d), ruleId: d.rule, url: link!.href });
  }, true);
  h.nav = () => {
    referrer = here;
    here = location.href;
    queue(all());
  };
  if (typeof MutationObserver === 'function') {
    new MutationObserver((records) => {
      const added: HTMLElement[] = [];
      for (const r of records) {
        r.addedNodes.forEach((n) => {
          if (!(n instanceof HTMLElement)) return;
          if (n.matches(SLOT_SELECTOR)) added.push(n);
          added.push(...n.querySelectorAll<HTMLElement>(SLOT_SELECTOR));
        });
      }
      queue(added.filter((el) => !states.has(el) && !el.closest('.tsr-why')));
    }).observe(document.documentElement, { childList: true, subtree: true });
  }
  queue(all(), h.t0 ?? performance.now());
}

const host = (window as unknown as { __tsrSlots?: SlotHost }).__tsrSlots;
if (host && !host.nav) start(host);
