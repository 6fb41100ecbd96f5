/**
 * The tracker's settings, read once from the data-* attributes of its own script tag:
 *
 *   <script defer src="https://tessera.example.com/t.js" data-write-key="wk_…"
 *           data-cookie-domain="acme.com" data-consent="basic"></script>
 *
 * Attributes (all optional except the write key):
 * - data-write-key       the workspace's public write key.
 * - data-host            where Tessera answers; default: the origin the script was loaded from.
 * - data-cookie-domain   the domain of the anonymous-id cookie (`acme.com` lets www. and shop. share it);
 *                        default: the page's host only.
 * - data-consent         `basic` (default): before the visitor decides, nothing is stored on the device and
 *                        events carry an id that lives for this page only (Tessera keeps only what the
 *                        workspace allows without consent); `strict`: nothing is sent before the visitor
 *                        grants the id purpose; `off`: the site has another legal basis, the id is stored at once.
 * - data-id-purpose      the purpose whose consent allows storing the anonymous id; default `analytics`.
 * - data-kiosk           a shared device: no recognition from email links, no pre-fill, a fresh visitor after
 *                        every form submission.
 * - data-auto-page       `false` turns off the automatic page view (the page calls tessera.page() itself).
 * - data-spa             a single-page app: every change of the address (history.pushState/replaceState,
 *                        back/forward; not a change of the #fragment alone) is a page view.
 * - data-styles          `false` turns off the small default stylesheet of forms.
 * - data-locale          the language of forms; default: <html lang>, then the browser's language.
 * - data-slot-timeout    how long (ms, 0–10000, default 300) slots (`data-tessera-slot`) stay hidden waiting for
 *                        Tessera's decision; after that the page's default HTML stays, and a late answer is ignored.
 * - data-recognition     a pre-fill token the site's own server obtained for this visitor
 *                        (POST /v1/recognitions with the admin key and the visitor's `tsr_aid` cookie):
 *                        the "signed server-side identify". Ignored in kiosk mode.
 */
export type ConsentMode = 'basic' | 'strict' | 'off';

export interface TrackerConfig {
  writeKey: string;
  host: string;
  cookieDomain: string | null;
  consent: ConsentMode;
  idPurpose: string;
  kiosk: boolean;
  autoPage: boolean;
  spa: boolean;
  styles: boolean;
  locale: string | null;
  recognition: string | null;
  slotTimeout: number;
}

/** A boolean attribute: present (empty) or any value but `false`/`0`/`off`/`no` means true. */
export function flag(value: string | null, absent: boolean): boolean {
  if (value === null) return absent;
  return !/^(false|0|off|no)$/i.test(value.trim());
}

/**
 * Reads the settings through `attr` (`name` without the `data-` prefix), or returns why it cannot
 * run (no write key). `scriptSrc` is the script's absolute address, `pageOrigin` the page's.
 */
export function readConfig(attr: (name: string) => string | null, scriptSrc: string, pageOrigin: string): TrackerConfig | string {
  const writeKey = (attr('write-key') ?? '').trim();
  if (!writeKey) return 'data-write-key is missing on the tracker script tag';
  let host = (attr('host') ?? '').trim();
  if (!host) {
    try { host = new URL(scriptSrc).origin; } catch { host = pageOrigin; }
  }
  const consent = (attr('consent') ?? '').trim().toLowerCase();
  const domain = (attr('cookie-domain') ?? '').trim().replace(/^\./, '').toLowerCase();
  return {
    writeKey,
    host: host.replace(/\/+$/, ''),
    cookieDomain: domain || null,
    consent: consent === 'strict' || consent === 'off' ? consent : 'basic',
    idPurpose: (attr('id-purpose') ?? '').trim() || 'analytics',
    kiosk: flag(attr('kiosk'), false),
    autoPage: flag(attr('auto-page'), true),
    spa: flag(attr('spa'), false),
    styles: flag(attr('styles'), true),
    locale: (attr('locale') ?? '').trim() || null,
    recognition: (attr('recognition') ?? '').trim() || null,
    slotTimeout: slotTimeout(attr('slot-timeout') ?? ''),
  };
}

/** data-slot-timeout: whole milliseconds up to 10,000; anything else is the default 300. */
export function slotTimeout(value: string): number {
  return /^\s*\d{1,5}\s*$/.test(value) ? Math.min(+value, 10_000) : 300;
}
