/**
 * The default look of forms: structure only (layout, error texts hidden while empty), native
 * system colours and the page's own fonts, so that a form looks like the site's plain HTML; themed with
 * CSS variables on any ancestor (e.g. `.signup { --tsr-accent: #0a58ca; --tsr-radius: 6px }`).
 * Injected once, first in <head>, so that the page's own rules win; `data-styles="false"` turns
 * it off for sites that style the `tsr-…` classes themselves.
 */
export const FORM_CSS = '.tsr-form{display:grid;gap:var(--tsr-gap,.75rem);font:var(--tsr-font,inherit);color:var(--tsr-color,inherit)}'
  + '.tsr-field label,.tsr-field legend{display:block;font-weight:var(--tsr-label-weight,600)}'
  + '.tsr-option label,.tsr-checkbox label,.tsr-consent label{display:inline;font-weight:inherit;margin-left:.4em}'
  + '.tsr-field fieldset,.tsr-field legend{border:0;padding:0;margin:0}'
  + '.tsr-form input:not([type=checkbox]):not([type=radio]),.tsr-form select,.tsr-form textarea{font:inherit;box-sizing:border-box;width:100%;max-width:var(--tsr-input-width,28rem);padding:var(--tsr-input-padding,.45em .6em);border:var(--tsr-border,1px solid ButtonBorder);border-radius:var(--tsr-radius,4px);background:var(--tsr-input-bg,Field);color:inherit}'
  + '.tsr-form [aria-invalid=true]{border-color:var(--tsr-error,#b3261e)}'
  + '.tsr-form :focus-visible{outline:var(--tsr-focus,2px solid Highlight);outline-offset:2px}'
  + '.tsr-error,.tsr-status{color:var(--tsr-error,#b3261e)}.tsr-error:empty,.tsr-status:empty{display:none}'
  + '.tsr-help{font-size:.9em;opacity:.8}.tsr-help,.tsr-error{margin:.25em 0 0}'
  + '.tsr-prefilled{opacity:.8}.tsr-change,.tsr-notyou{font:inherit;background:none;border:0;padding:0 .3em;color:var(--tsr-link,LinkText);text-decoration:underline;cursor:pointer}'
  + '.tsr-submit{justify-self:start;font:inherit;padding:var(--tsr-button-padding,.5em 1.2em);border:var(--tsr-button-border,1px solid ButtonBorder);border-radius:var(--tsr-radius,4px);background:var(--tsr-accent,ButtonFace);color:var(--tsr-accent-text,ButtonText);cursor:pointer}'
  + '.tsr-submit:disabled{opacity:.6}';

export function injectStyles(): void {
  if (document.getElementById('tsr-css')) return;
  const style = document.createElement('style');
  style.id = 'tsr-css';
  style.textContent = FORM_CSS;
  document.head.prepend(style);
}
