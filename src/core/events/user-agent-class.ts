/**
 * What kind of software sent a request, from its user agent: THE one rule Tessera uses to call a
 * user agent automated, for every path (track, page, identify, form views and submissions, email
 * opens and clicks, survey answers). Ingest turns `automated` into `context.device.class = "bot"`
 * (core/privacy/pseudonymise.ts); the email machine verdict (core/links/machine-verdict.ts) reads
 * the same classification.
 *
 * - `automated`: software that announces it acts on its own — crawlers and spiders, link previewers,
 *   uptime monitors, mail security scanners, headless browsers (nobody sees their pages).
 * - `http_library`: curl, python-requests, Go's client … Such an agent says nothing about a person:
 *   it is how a server relays a person's events (a server-side SDK, a site's backend posting a form
 *   on the visitor's behalf), so events it carries are NOT machine-made. Only where the request must
 *   come from the person's own device (an email link or open pixel, which a person follows in a mail
 *   app or browser) does the email verdict count it as a machine.
 * - `none`: no user agent (blank counts as none); the same holds as for `http_library`.
 * - `client`: anything else — a browser, a mail app, an unknown agent.
 */
import Bowser from 'bowser';

export type UserAgentKind = 'automated' | 'http_library' | 'none' | 'client';

export interface UserAgentClass {
  kind: UserAgentKind;
  /** Readable name of what was recognised (`Googlebot`, `Mimecast`, `curl`); null for none / client. */
  name: string | null;
}

/**
 * Named automated agents first (their name is the explanation), then the generic words such agents
 * put in their user agent. `(?<!cu)bot`: Cubot is a phone brand, not a crawler. Gmail's and Yahoo's
 * image proxies are absent on purpose: they fetch when the person opens the email.
 */
const AUTOMATED: ReadonlyArray<[RegExp, string]> = [
  [/barracuda/i, 'Barracuda'], [/mimecast/i, 'Mimecast'], [/proofpoint/i, 'Proofpoint'], [/symantec|messagelabs/i, 'Symantec'],
  [/trend ?micro/i, 'Trend Micro'], [/fortiguard|fortinet/i, 'Fortinet'], [/ironport|cisco secure email/i, 'Cisco'], [/zscaler/i, 'Zscaler'],
  [/sophos/i, 'Sophos'], [/forcepoint|websense/i, 'Forcepoint'], [/check ?point/i, 'Check Point'], [/safelinks|microsoft office protection|bingpreview/i, 'Microsoft Defender'],
  [/googlebot|google-inspectiontool/i, 'Google crawler'], [/bingbot/i, 'Bing crawler'], [/yahoo! slurp/i, 'Yahoo crawler'],
  [/facebookexternalhit/i, 'Facebook link preview'], [/headless|phantomjs/i, 'headless browser'],
  [/(?<!cu)bot|crawl|spider|slurp|preview|scanner|monitor|linkcheck|validator/i, 'crawler'],
];

const HTTP_LIBRARY = /^(curl|wget|python-requests|python-urllib|go-http-client|java\/|okhttp|libwww-perl|apache-httpclient|node-fetch|axios|undici|ruby|php)/i;

export function classifyUserAgent(userAgent: string | undefined | null): UserAgentClass {
  const agent = (userAgent ?? '').trim();
  if (agent === '') return { kind: 'none', name: null };
  for (const [pattern, name] of AUTOMATED) if (pattern.test(agent)) return { kind: 'automated', name };
  const library = HTTP_LIBRARY.exec(agent);
  if (library) return { kind: 'http_library', name: library[1]!.replace(/\/$/, '') };
  // Bowser knows crawlers the patterns miss.
  if (Bowser.getParser(agent).getPlatformType(true) === 'bot') return { kind: 'automated', name: 'crawler' };
  return { kind: 'client', name: null };
}
