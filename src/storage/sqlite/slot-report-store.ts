/**
 * Slot reports in SQLite (ports/slot-report-store.ts): reads on the reader connection; the
 * increments are added inside ingest's write transaction (`addSqliteReportRows`, called by
 * updateSqliteCounters).
 */
import { sumIncrements, type ReportRow } from '../../core/decisions/slot-report.js';
import type { SlotReportStore } from '../../ports/slot-report-store.js';
import type { Database } from './database.js';

interface Row { slot_id: string; variant_id: string; rule_id: string; depth: string; day: string; impressions: number; clicks: number; dismissals: number; conversions: number }

export function createSqliteSlotReportStore(reader: Database.Database): SlotReportStore {
  const rows = reader.prepare(`SELECT slot_id, variant_id, rule_id, depth, day, impressions, clicks, dismissals, conversions FROM slot_reports
    WHERE workspace_id = ? AND slot_id = ? AND day BETWEEN ? AND ? ORDER BY day, variant_id, rule_id, depth`);
  return {
    async rows(workspaceId, slotId, range) {
      return (rows.all(workspaceId, slotId, range.from, range.to) as Row[]).map((r) => ({
        slotId: r.slot_id, variantId: r.variant_id, ruleId: r.rule_id, depth: r.depth, day: r.day,
        impressions: r.impressions, clicks: r.clicks, dismissals: r.dismissals, conversions: r.conversions,
      }));
    },
  };
}

export const prepareReportAdd = (db: Database.Database): Database.Statement => db.prepare(`INSERT INTO slot_reports
  (workspace_id, slot_id, day, variant_id, rule_id, depth, impressions, clicks, dismissals, conversions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT DO UPDATE SET impressions = impressions + excluded.impressions, clicks = clicks + excluded.clicks,
    dismissals = dismissals + excluded.dismissals, conversions = conversions + excluded.conversions`);

/** Adds the increments (summed per row first), inside the caller's write transaction. */
export function addSqliteReportRows(add: Database.Statement, workspaceId: string, increments: readonly ReportRow[]): void {
  for (const r of sumIncrements(increments)) add.run(workspaceId, r.slotId, r.day, r.variantId, r.ruleId, r.depth, r.impressions, r.clicks, r.dismissals, r.conversions);
}
