/**
 * An audience export, streamed: the workspace's profiles are read page by page (a cursor over
 * profile ids), each decided (core/audiences/audience.ts: member, excluded for lack of advertising
 * consent, or out), each member's row built in the platform's format (platform-rows.ts) and
 * written out; only one page is ever in memory, so 1,000,000 people stream in constant memory.
 *
 * Full export: every member's row, in the platform's exact columns. The export state becomes
 * exactly these rows.
 * Incremental export (`since`): only the changes since the last export of this audience in this
 * format, in the platform's columns plus a last column `action` (`add` or `remove`): people who
 * entered or whose row changed (`add`; a changed row is also a `remove` of the old one), and people
 * who left — including those who withdrew advertising consent — as `remove`. Split the file by
 * action before uploading (the platforms take removals as a separate upload).
 *
 * Each export is written to the audit log with its counts when it ends (also when it is cut off).
 */
import { audienceDecision, type Audience } from '../core/audiences/audience.js';
import type { Platform } from '../core/audiences/normalise.js';
import { contactOf, csvLine, HEADERS, platformRow } from '../core/audiences/platform-rows.js';
import { TesseraError } from '../core/errors.js';
import type { AudienceExportSummary, AudienceMemberRow } from '../ports/audience-store.js';
import type { Store } from '../ports/store.js';

export const EXPORT_PAGE = 1000;

export interface ExportRequest {
  audience: Audience;
  format: Platform;
  /** Incremental since this time: must not be before the last export of this audience in this format. */
  since?: number;
  now: number;
  actor: string;
  /** Called after each page with the profiles read so far and the total (a progress bar). */
  progress?: (done: number, total: number) => void;
}

/**
 * Checks the request (an incremental export needs a previous export not later than `since`) and
 * returns the CSV as an async iterable of chunks, with the summary filled in when it ends.
 */
export async function prepareAudienceExport(store: Store, request: ExportRequest): Promise<{ chunks: AsyncIterable<string>; summary: AudienceExportSummary }> {
  const { audience, format } = request;
  const last = await store.audiences.lastExport(audience.workspaceId, audience.id, format);
  const incremental = request.since !== undefined;
  if (incremental) {
    if (!last) throw new TesseraError('invalid_query', { issues: [{ field: 'since', reason: `there is no earlier ${format} export of this audience; make a full export first (without since)` }] });
    if (request.since! < last.at) throw new TesseraError('invalid_query', { issues: [{ field: 'since', reason: `must not be before the last ${format} export (${new Date(last.at).toISOString()}): the changes are kept relative to it` }] });
  }
  const summary: AudienceExportSummary = { seq: (last?.seq ?? 0) + 1, at: request.now, incremental, members: 0, excluded: 0, unmatchable: 0, added: 0, removed: 0 };
  return { chunks: rows(store, request, summary), summary };
}

async function* rows(store: Store, request: ExportRequest, summary: AudienceExportSummary): AsyncGenerator<string> {
  const { audience, format } = request;
  const ws = audience.workspaceId;
  const incremental = summary.incremental;
  const headers = incremental ? [...HEADERS[format], 'action'] : [...HEADERS[format]];
  let completed = false;
  try {
    yield csvLine(headers);
    const total = await store.profiles.count(ws);
    let after: string | undefined;
    let done = 0;
    for (;;) {
      const page = await store.segments.scanProfiles(ws, { limit: EXPORT_PAGE, ...(after ? { after } : {}) });
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      const keep: AudienceMemberRow[] = [];
      for (const profile of page) {
        const decision = audienceDecision(profile, audience, request.now);
        if (decision === 'excluded') summary.excluded++;
        if (decision !== 'member') continue;
        const cells = platformRow(contactOf(profile.traits), format, audience.defaultCountry);
        if (!cells) { summary.unmatchable++; continue; }
        summary.members++;
        keep.push({ profileId: profile.id, row: csvLine(cells) });
      }
      const previous = incremental && keep.length > 0 ? await store.audiences.rows(ws, audience.id, format, keep.map((k) => k.profileId)) : null;
      let out = '';
      for (const k of keep) {
        if (!incremental) { out += k.row; continue; }
        const before = previous!.get(k.profileId);
        if (before === k.row) continue;
        if (before !== undefined) { out += withAction(before, 'remove'); summary.removed++; }
        out += withAction(k.row, 'add');
        summary.added++;
      }
      await store.audiences.keep(ws, audience.id, format, summary.seq, keep);
      if (out) yield out;
      done += page.length;
      request.progress?.(done, total);
    }
    // Rows still under an older seq: people who left the audience since the last export.
    let cursor: string | undefined;
    for (;;) {
      const stale = await store.audiences.stale(ws, audience.id, format, summary.seq, { limit: EXPORT_PAGE, ...(cursor ? { after: cursor } : {}) });
      if (stale.length === 0) break;
      cursor = stale[stale.length - 1]!.profileId;
      if (incremental) { summary.removed += stale.length; yield stale.map((r) => withAction(r.row, 'remove')).join(''); }
    }
    await store.audiences.dropStale(ws, audience.id, format, summary.seq);
    if (!incremental) summary.added = summary.members;
    await store.audiences.recordExport(ws, audience.id, format, summary);
    completed = true;
  } finally {
    await store.privacy.audit({
      workspaceId: ws, at: request.now, actor: request.actor, action: 'audience.export', subject: null,
      details: { audienceId: audience.id, format, incremental, completed, members: summary.members, excluded: summary.excluded, unmatchable: summary.unmatchable, added: summary.added, removed: summary.removed },
    });
  }
}

const withAction = (line: string, action: 'add' | 'remove') => `${line.slice(0, -1)},${action}\n`;
