/**
 * The slot module's stylesheet: only the "Why?" affordance and the structure of variants with a
 * title, image or link, in the page's fonts and the system's colours, themed by the same CSS
 * variables as forms (--tsr-link, --tsr-border, --tsr-radius, --tsr-panel-bg). Injected first in
 * <head> so the page's own rules win; none with data-styles="false".
 */
export const SLOT_CSS = '.tsr-slot-title{display:block;font-weight:600}.tsr-slot-image{display:block;max-width:100%;height:auto}'
  + '.tsr-why{font-size:.8rem;margin-top:.5em}'
  + '.tsr-why button{font:inherit;cursor:pointer}'
  + '.tsr-why-btn,.tsr-why-close{background:none;border:0;padding:0;color:var(--tsr-link,LinkText);text-decoration:underline}'
  + '.tsr-why-panel{margin-top:.4em;padding:.6em .9em;max-width:30rem;border:var(--tsr-border,1px solid GrayText);border-radius:var(--tsr-radius,4px);background:var(--tsr-panel-bg,Canvas);color:var(--tsr-panel-color,CanvasText)}'
  + '.tsr-why-panel p,.tsr-why-panel ul{margin:.3em 0}'
  + '.tsr-why-actions{display:flex;flex-wrap:wrap;gap:.6em;align-items:center;margin-top:.6em}'
  + '.tsr-why-action{padding:.25em .7em;border:var(--tsr-border,1px solid ButtonBorder);border-radius:var(--tsr-radius,4px);background:ButtonFace;color:ButtonText}'
  + '.tsr-why-more{color:var(--tsr-link,LinkText)}'
  + '.tsr-why :focus-visible{outline:var(--tsr-focus,2px solid Highlight);outline-offset:2px}';

export function injectSlotStyles(): void {
  if (document.getElementById('tsr-slot-css')) return;
  const style = document.createElement('style');
  style.id = 'tsr-slot-css';
  style.textContent = SLOT_CSS;
  document.head.prepend(style);
}
