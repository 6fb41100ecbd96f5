/**
 * How long each kind of link token lives, how often it may be used, and the URL paths they are
 * served under. The threat model of every token that names a person is here, in one place.
 *
 * Who may hold a token: the recipient, and also whoever the email is forwarded to, mail gateways
 * and link scanners that fetch every link, and anyone who sees the landing page's address (browser
 * history, a shared screenshot, a copied URL, proxy and analytics logs, the Referer header). All
 * tokens are signed (core/links/signed-token.ts), name one purpose and one workspace, and are
 * verified only for the expected purpose: a token of one kind is refused as any other kind.
 *
 * Per kind, what a second use can do, and what we decided:
 * - identify (`tsr`, in the landing page's address): exchanged by the tracker for a pre-fill
 *   recognition, it links the device to the person. Reused elsewhere it would attach an
 *   attacker's device to the victim's profile and show their (masked) data. So: minted fresh per
 *   human click (never put in the email), lives IDENTIFY minutes (the tracker exchanges it on the
 *   page load right after the click and strips it from the address), single-use: the first
 *   exchange binds it to that device's anonymous id (links/single-use.ts, Store.tokenUses); a
 *   repeat from the same device (a reload, a second tab) gets the same answer and links nothing
 *   new; any other device is refused (`token_used`, 409) and the refusal is audited
 *   (`link.token.reuse_refused`, subject = the person). What remains: someone who reads the
 *   address before the person's own tracker exchanges it (seconds) wins the race; the person's
 *   device is then refused, and their audit trail shows it.
 * - prefill (the recognition, POST /v1/recognize's answer): bound to one anonymous id from birth
 *   (forms/visitor.ts refuses it with any other), lives 30 minutes, used on every form view of that
 *   visit: multi-use by design, and reuse links nothing and shows only masked values.
 * - click (in the email): records a click and redirects; a human click also mints a fresh
 *   identify token. Reuse is the email being opened again or forwarded: the person clicking is
 *   recognised as the recipient, the inherent limit of recognising people by email links. Bounded:
 *   machines (scanners, prefetch, honeypot) get no identify token, a click recognises only within
 *   IDENTIFY_FROM_CLICK_WITHIN_MS of the send (older emails still redirect, without `tsr`), and
 *   pre-fill is masked with "Not you?".
 * - open (the pixel): records an open; the answer is always the same GIF: reveals nothing.
 * - survey (answer links): one answer per token (survey_answers' key is the token id); a repeat
 *   changes nothing; the page shows only the survey's own question and options.
 * - unsubscribe: must keep working, repeatedly, for a year (RFC 8058, CAN-SPAM: people unsubscribe
 *   from old emails); its effect is idempotent and the page shows only the list's name.
 * - optin: lives a week; only the newest request's link confirms, confirming twice changes
 *   nothing; the page shows only the list's name.
 *
 * Sign-in links of the admin app (access/users.ts; random tokens stored as hashes, not signed):
 * - welcome (`/admin/welcome?token=…`, printed by `npm start` while there is no user): whoever
 *   holds it creates the first administrator, i.e. owns the installation. Printed to the terminal
 *   (and so to whatever collects its output), so: lives WELCOME minutes, single-use (redeemed
 *   atomically), only the newest works, and it works only while there is no user at all.
 * - set-password (an admin's reset, `tessera users create|reset-password`): sets the password of
 *   one named account and signs in; passed on by chat or e-mail, so it lives a day, is single-use,
 *   and a newer link for the same user retires the older one.
 */
const MINUTE = 60_000;
const DAY = 24 * 3600_000;

export const LINK_TTL_MS = {
  click: 180 * DAY,
  open: 180 * DAY,
  survey: 90 * DAY,
  unsubscribe: 365 * DAY,
  optin: 7 * DAY,
  /** From the click to the tracker's exchange on the landing page: seconds, with room for a slow page or a consent banner. */
  identify: 15 * MINUTE,
} as const;

/** Sign-in links of the admin app (see above). */
export const SIGN_IN_LINK_TTL_MS = { welcome: 60 * MINUTE, 'set-password': DAY } as const;

/**
 * A click on a link of an email older than this still redirects, but recognises nobody: an old
 * email is more likely forwarded, archived or found by someone else. A newsletter read within
 * weeks still recognises.
 */
export const IDENTIFY_FROM_CLICK_WITHIN_MS = 30 * DAY;

/**
 * How long the use of a single-use token is kept after the token expired: servers' clocks may
 * differ, and a server whose clock is behind must still find the use and refuse a second one.
 */
export const TOKEN_USE_MARGIN_MS = 60 * MINUTE;

export const LINK_PATHS = { click: 'c', open: 'o', survey: 's', unsubscribe: 'u', optin: 'optin' } as const;

/** `<base>/e/<path>/<token>`; `base` without a trailing slash. */
export function linkUrl(base: string, kind: keyof typeof LINK_PATHS, token: string): string {
  return `${base}/e/${LINK_PATHS[kind]}/${token}`;
}

/** The URL with `tsr=<token>` set (replacing one already there). */
export function withTsr(url: string, token: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('tsr', token);
  return parsed.toString();
}
