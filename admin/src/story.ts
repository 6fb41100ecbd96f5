/**
 * The timeline as a story: the raw events of GET /v1/profiles/{id}/events (newest first) become
 * visits — page views of one session with the seconds spent on each page — and single moments
 * (identified, e-mail opened, form submitted, entered a segment, moved stage, consent given).
 *
 * Sessions follow the server's rule (core/profiles/behaviour.ts): 30 minutes without an event end
 * a visit. Time on a page is the visible time the tracker reported (`Page Ping` / `Page Left`,
 * properties.visibleMs, cumulative: the largest report counts); without a report, the time until
 * the next page view of the same visit (marked as an estimate); the last page of a visit without a
 * report has no time. Pure: no DOM, so it is unit-tested on its own (test/admin/story.test.ts).
 */
import type { EventView } from './api-types.js';

export const VISIT_GAP_MS = 30 * 60 * 1000;

export interface PageStep { at: string; title: string; path: string; url: string | null; seconds: number | null; estimated: boolean }
export interface Visit { kind: 'visit'; start: string; end: string; source: string | null; pages: PageStep[]; actions: Moment[]; seconds: number }
export interface Moment { kind: 'moment'; at: string; what: MomentKind; vars: Record<string, string> }
export type MomentKind = 'identify' | 'track' | 'emailSent' | 'emailOpened' | 'emailClicked' | 'formSubmitted' | 'segmentEntered' | 'segmentExited' | 'stage' | 'consent' | 'merged' | 'unmerged' | 'group' | 'alias';
export type StoryItem = Visit | Moment;

type Json = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const ms = (iso: string | null) => (iso ? Date.parse(iso) : 0);
const REPORTS = new Set(['Page Ping', 'Page Left']);

function pathOf(e: EventView): { title: string; path: string; url: string | null } {
  const p = e.properties as Json;
  const page = ((e.context as Json).page ?? {}) as Json;
  const url = str(p.url) ?? str(page.url);
  let path = str(p.path) ?? str(page.path);
  if (!path && url) { try { path = new URL(url).pathname; } catch { path = url; } }
  return { title: str(p.title) ?? str(page.title) ?? ('name' in e ? str(e.name) : null) ?? path ?? '—', path: path ?? '—', url };
}

function sourceOf(e: EventView): string | null {
  const ctx = e.context as Json;
  const campaign = (ctx.campaign ?? {}) as Json;
  if (str(campaign.source)) return [str(campaign.source), str(campaign.medium)].filter(Boolean).join(' / ');
  const referrer = str((e.properties as Json).referrer) ?? str(((ctx.page ?? {}) as Json).referrer);
  if (!referrer) return null;
  try { return new URL(referrer).hostname; } catch { return referrer; }
}

function moment(e: EventView): Moment | null {
  const p = e.properties as Json;
  const at = e.timestamp ?? e.receivedAt ?? '';
  const m = (what: MomentKind, vars: Record<string, string> = {}): Moment => ({ kind: 'moment', at, what, vars });
  if (e.type === 'identify') {
    const t = e.traits as Json;
    return m('identify', { who: str(t.email) ?? e.userId ?? str(t.name) ?? '—' });
  }
  if (e.type === 'group') return m('group', { group: str((e.traits as Json).name) ?? e.groupId ?? '—' });
  if (e.type === 'alias') return m('alias', { previous: e.previousId ?? '—' });
  if (e.type === 'consent') {
    const purposes = (p.purposes ?? {}) as Record<string, boolean>;
    return m('consent', { purposes: Object.entries(purposes).map(([k, v]) => `${k} ${v ? '✓' : '✗'}`).join(', ') });
  }
  const name = 'event' in e ? String(e.event) : '';
  if (e.type === 'system') {
    if (name === 'Segment Entered') return m('segmentEntered', { segment: str(p.segmentName) ?? str(p.segmentId) ?? '—' });
    if (name === 'Segment Exited') return m('segmentExited', { segment: str(p.segmentName) ?? str(p.segmentId) ?? '—' });
    if (name === 'Lifecycle Stage Changed') return m('stage', { from: str(p.from) ?? '—', to: str(p.to) ?? '—', reason: str(p.reason) ?? '' });
    if (name === 'Profiles Merged') return m('merged');
    if (name === 'Profiles Unmerged') return m('unmerged');
    return m('track', { event: name });
  }
  if (e.type !== 'track') return null;
  const subject = str(p.email_subject) ?? str(p.subject) ?? str(p.email_id) ?? '';
  if (name === 'Email Sent' || name === 'Email Delivered') return m('emailSent', { subject });
  if (name === 'Email Opened') return p.machine === true ? null : m('emailOpened', { subject });
  if (name === 'Email Link Clicked') return p.machine === true ? null : m('emailClicked', { url: str(p.link_url) ?? str(p.url) ?? '' });
  if (name === 'Form Submitted') return m('formSubmitted', { form: str(p.formName) ?? str(p.formId) ?? '' });
  return m('track', { event: name });
}

/** Events newest first (as the API pages them) → story items newest first. */
export function tellStory(events: readonly EventView[]): StoryItem[] {
  const ordered = [...events].sort((a, b) => ms(a.timestamp) - ms(b.timestamp));
  const items: StoryItem[] = [];
  let visit: (Visit & { lastMs: number; reported: Map<PageStep, number> }) | null = null;
  const close = () => {
    if (!visit) return;
    const pages = visit.pages;
    pages.forEach((step, i) => {
      const reported = visit!.reported.get(step);
      if (reported !== undefined) { step.seconds = reported / 1000; step.estimated = false; return; }
      const next = pages[i + 1];
      if (next) { step.seconds = (ms(next.at) - ms(step.at)) / 1000; step.estimated = true; }
    });
    visit.seconds = pages.reduce((s, p) => s + (p.seconds ?? 0), 0);
    const { lastMs: _l, reported: _r, ...plain } = visit;
    items.push(plain);
    visit = null;
  };
  for (const e of ordered) {
    const t = ms(e.timestamp);
    const name = 'event' in e ? String(e.event) : '';
    if (visit && t - visit.lastMs > VISIT_GAP_MS) close();
    if (e.type === 'page' || e.type === 'screen') {
      if (!visit) visit = { kind: 'visit', start: e.timestamp ?? '', end: e.timestamp ?? '', source: sourceOf(e), pages: [], actions: [], seconds: 0, lastMs: t, reported: new Map() };
      visit.pages.push({ at: e.timestamp ?? '', ...pathOf(e), seconds: null, estimated: false });
      visit.end = e.timestamp ?? visit.end;
      visit.lastMs = t;
      continue;
    }
    if (e.type === 'track' && REPORTS.has(name)) {
      // A report about a page view of the open visit: the latest view of that path (or the last view).
      if (!visit) continue;
      const visible = Number((e.properties as Json).visibleMs);
      const { path } = pathOf(e);
      const step = [...visit.pages].reverse().find((p) => p.path === path) ?? visit.pages[visit.pages.length - 1];
      if (step && Number.isFinite(visible) && visible >= 0) visit.reported.set(step, Math.max(visit.reported.get(step) ?? 0, visible));
      visit.lastMs = t;
      continue;
    }
    const m = moment(e);
    if (!m) continue;
    // What the visitor did during a visit belongs to it; what systems did stands on its own.
    if (visit && m.what === 'track' && e.type === 'track') { visit.actions.push(m); visit.lastMs = t; continue; }
    items.push(m);
  }
  close();
  return items.sort((a, b) => ms(b.kind === 'visit' ? b.start : b.at) - ms(a.kind === 'visit' ? a.start : a.at));
}
