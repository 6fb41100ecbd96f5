/**
 * Machine or human: who opened or clicked an email link. Corporate link scanners (Microsoft
 * Defender Safe Links, Mimecast, Proofpoint, Barracuda …) follow every link of an incoming email,
 * and Apple Mail Privacy Protection fetches every image, the open pixel included, through Apple's
 * proxies whether or not the person reads the email. Such events are still recorded (they are
 * facts about the email), with `properties.machine = true` and the reason; they never change a
 * score, answer a survey, unsubscribe or confirm an opt-in.
 *
 * Strategy: the first rule that matches decides, strongest evidence first:
 *   1. honeypot_link — a link no human can see (hidden in the email) was followed;
 *   2. prefetch — the request announced itself as a prefetch (`Purpose`/`Sec-Purpose: prefetch`);
 *   3. scanner_user_agent — an automated agent by the one rule of core/events/user-agent-class.ts
 *      (scanner, crawler, previewer, headless browser), or — since a person follows an email's
 *      links in a mail app or browser — an HTTP library or no user agent at all;
 *   4. apple_mail_privacy — an open through Apple's mail proxy (its bare `Mozilla/5.0` user agent,
 *      or Apple's network, 17.0.0.0/8);
 *   5. scanner_network — an address in a configured scanner network;
 *   6. right_after_send — a click within seconds of the send (no person reads and clicks that fast;
 *      scanners do it on delivery). Not applied to the POSTs that answer a survey, unsubscribe or
 *      confirm: a scanner that only follows links never makes them, and a person may answer on
 *      the page a moment after a (machine-looking) fast click;
 *   7. click_burst — several different links of one email clicked within a second or two.
 * An RFC 8058 one-click unsubscribe is a POST made by the person's mailbox provider on their
 * behalf: the provider's user agent and network are expected there, so rules 3–5 do not apply.
 */
import type { EpochMs } from '../time.js';
import { classifyUserAgent } from '../events/user-agent-class.js';
import { inRange } from './ip-range.js';

export type MachineReason = 'honeypot_link' | 'prefetch' | 'scanner_user_agent' | 'apple_mail_privacy' | 'scanner_network' | 'right_after_send' | 'click_burst';

export interface EmailInteraction {
  kind: 'open' | 'click' | 'survey' | 'unsubscribe' | 'optin';
  userAgent: string | undefined;
  ip: string | undefined;
  at: EpochMs;
  /** When the email's links were signed (the send), if known. */
  sentAt: EpochMs | null;
  /** The followed link is the email's hidden honeypot. */
  honeypot?: boolean;
  /** The request said it is a prefetch. */
  prefetch?: boolean;
  /** An RFC 8058 one-click unsubscribe POST (made by the mailbox provider). */
  oneClick?: boolean;
  /** Times of this recipient's earlier clicks on OTHER links of the same email. */
  otherClicksAt?: readonly EpochMs[];
}

export interface MachineRules {
  /** Extra CIDR ranges of scanners (a workspace's mail gateway, a vendor's published ranges). */
  scannerNetworks: readonly string[];
  /** A click or answer sooner than this after the send is a machine's (default 10 s). */
  minHumanDelayMs: number;
  /** Other links of the same email clicked within this window make a burst (default 2 s). */
  burstWindowMs: number;
}

export const DEFAULT_MACHINE_RULES: MachineRules = { scannerNetworks: [], minHumanDelayMs: 10_000, burstWindowMs: 2_000 };

export type MachineVerdict = { machine: false; reason: null } | { machine: true; reason: MachineReason; detail: string };

/** Apple Mail Privacy Protection's proxy sends exactly this. */
const APPLE_MPP_AGENT = /^Mozilla\/5\.0$/;
/** Apple's own address block; MPP proxies fetch from it (and from partner ranges Apple publishes). */
const APPLE_NETWORK = '17.0.0.0/8';

export function judgeInteraction(e: EmailInteraction, rules: MachineRules = DEFAULT_MACHINE_RULES): MachineVerdict {
  const machine = (reason: MachineReason, detail: string): MachineVerdict => ({ machine: true, reason, detail });
  if (e.honeypot) return machine('honeypot_link', 'followed the hidden honeypot link');
  if (e.prefetch) return machine('prefetch', 'a prefetch request');
  const agent = (e.userAgent ?? '').trim();
  if (!e.oneClick) {
    if (agent === '') return machine('scanner_user_agent', 'no user agent');
    if (e.kind === 'open' && (APPLE_MPP_AGENT.test(agent) || (e.ip !== undefined && inRange(e.ip, APPLE_NETWORK)))) {
      return machine('apple_mail_privacy', APPLE_MPP_AGENT.test(agent) ? 'Apple Mail Privacy Protection user agent' : 'Apple Mail Privacy Protection network');
    }
    const agentClass = classifyUserAgent(agent);
    if (agentClass.kind === 'automated' || agentClass.kind === 'http_library') {
      return machine('scanner_user_agent', agentClass.kind === 'http_library' ? `HTTP library user agent (${agentClass.name})` : `${agentClass.name} user agent`);
    }
    if (APPLE_MPP_AGENT.test(agent)) return machine('scanner_user_agent', 'a bare "Mozilla/5.0" user agent');
    const network = e.ip === undefined ? undefined : rules.scannerNetworks.find((cidr) => inRange(e.ip!, cidr));
    if (network) return machine('scanner_network', `address in scanner network ${network}`);
  }
  if (e.kind === 'click' && e.sentAt !== null && e.at - e.sentAt >= 0 && e.at - e.sentAt < rules.minHumanDelayMs) {
    return machine('right_after_send', `${Math.round((e.at - e.sentAt) / 1000)} s after the send`);
  }
  if (e.kind === 'click' && e.otherClicksAt) {
    const near = e.otherClicksAt.filter((t) => Math.abs(e.at - t) <= rules.burstWindowMs).length;
    if (near >= 2) return machine('click_burst', `${near + 1} links of the email clicked within ${rules.burstWindowMs / 1000} s`);
  }
  return { machine: false, reason: null };
}
