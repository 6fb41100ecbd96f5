/**
 * The "Why?" affordance of a slot whose decision has `showWhy` (issue 14 §3): a disclosure
 * button ("Why am I seeing this?", aria-expanded/aria-controls) that opens a panel with the
 * explanation, the kinds of data used, and the controls
 * - "Show me general content instead": withdraws the `personalization` purpose through the
 *   tracker's consent call and decides again (offered while that purpose is not withdrawn);
 * - a link to the public explanation page (`whyUrl`, which links the person's data page);
 * - "Hide this": sends `Slot Dismissed` and puts the page's default content back;
 * - "Close" (and Escape): closes the panel, the focus back on the button.
 */
import type { SlotDecision } from './decision.js';
import { make } from './render.js';
import type { SlotTexts } from './texts.js';

export interface WhyControls {
  /** Whether "Show me general content instead" is offered. */
  general: boolean;
  onGeneral(): Promise<void>;
  onDismiss(): void;
}

let panels = 0;

export function addWhy(slot: HTMLElement, d: SlotDecision, t: SlotTexts, c: WhyControls): void {
  const box = make('div', 'tsr-why');
  const button = make('button', 'tsr-why-btn', t.why);
  const panel = make('div', 'tsr-why-panel');
  panel.id = `tsr-why-${++panels}`;
  panel.hidden = true;
  panel.setAttribute('role', 'region');
  panel.setAttribute('aria-label', t.heading);
  button.type = 'button';
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-controls', panel.id);
  const open = (yes: boolean) => {
    panel.hidden = !yes;
    button.setAttribute('aria-expanded', String(yes));
    if (!yes) button.focus();
  };
  button.onclick = () => open(panel.hidden);
  panel.onkeydown = (e) => { if (e.key === 'Escape') open(false); };

  const heading = make('p', 'tsr-why-heading');
  heading.append(make('strong', '', t.heading));
  panel.append(heading, make('p', 'tsr-why-text', d.explanation.text));
  const kinds = d.explanation.dataKindLabels;
  if (kinds.length > 0) {
    const list = make('ul', 'tsr-why-kinds');
    for (const kind of kinds) list.append(make('li', '', kind));
    panel.append(make('p', '', t.basedOn), list);
  }
  const actions = make('div', 'tsr-why-actions');
  const action = (text: string, run: () => unknown) => {
    const b = make('button', 'tsr-why-action', text);
    b.type = 'button';
    b.onclick = () => { b.disabled = true; void run(); };
    actions.append(b);
  };
  if (c.general) action(t.general, c.onGeneral);
  if (d.whyUrl && /^https?:\/\//i.test(d.whyUrl)) {
    const more = make('a', 'tsr-why-more', t.more);
    more.href = `${d.whyUrl}${d.whyUrl.includes('?') ? '&' : '?'}lang=${t.lang}`;
    actions.append(more);
  }
  action(t.dismiss, c.onDismiss);
  const close = make('button', 'tsr-why-close', t.close);
  close.type = 'button';
  close.onclick = () => open(false);
  actions.append(close);
  panel.append(actions);
  box.append(button, panel);
  slot.append(box);
}
