/**
 * Slot reports in PostgreSQL (ports/slot-report-store.ts): reads on the pool; the increments are
 * added inside ingest's write transaction (`addPostgresReportRows`, called by updatePostgresCounters).
 */
import { sumIncrements, type ReportRow } from '../../core/decisions/slot-report.js';
import type { SlotReportStore } from '../../ports/slot-report-store.js';
import type { Pool, Queryable } from './database.js';
import { text } from './values.js';

interface Row { slot_id: string; variant_id: string; rule_id: string; depth: string; day: string; impressions: string; clicks: string; dismissals: string; conversions: string }

export function createPostgresSlotReportStore(pool: Pool): SlotReportStore {
  return {
    async rows(workspaceId, slotId, range) {
      const { rows } = await pool.query<Row>(`SELECT slot_id, variant_id, rule_id, depth, day, impressions, clicks, dismissals, conversions FROM slot_reports
        WHERE workspace_id = $1 AND slot_id = $2 AND day BETWEEN $3 AND $4 ORDER BY day, variant_id, rule_id, depth`, [workspaceId, text(slotId), text(range.from), text(range.to)]);
      return rows.map((r) => ({
        slotId: r.slot_id, variantId: r.variant_id, ruleId: r.rule_id, depth: r.depth, day: r.day,
        impressions: Number(r.impressions), clicks: Number(r.clicks), dismissals: Number(r.dismissals), conversions: Number(r.conversions),
      }));
    },
  };
}

/**
 * Adds the increments (summed per row first, sorted so concurrent batches lock rows in one order),
 * inside the caller's write transaction.
 */
export async function addPostgresReportRows(db: Queryable, workspaceId: string, increments: readonly ReportRow[]): Promise<void> {
  if (increments.length === 0) return;
  const rows = sumIncrements(increments).sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  const col = <K extends keyof ReportRow>(k: K) => rows.map((r) => r[k]);
  await db.query(`INSERT INTO slot_reports (workspace_id, slot_id, day, variant_id, rule_id, depth, impressions, clicks, dismissals, conversions)
    SELECT $1, s, d, v, r, p, i, c, x, n FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[]) AS t(s, d, v, r, p, i, c, x, n)
    ON CONFLICT (workspace_id, slot_id, day, variant_id, rule_id, depth) DO UPDATE SET impressions = slot_reports.impressions + excluded.impressions,
      clicks = slot_reports.clicks + excluded.clicks, dismissals = slot_reports.dismissals + excluded.dismissals, conversions = slot_reports.conversions + excluded.conversions`,
  [workspaceId, col('slotId').map(text), col('day'), col('variantId').map(text), col('ruleId').map(text), col('depth').map(text), col('impressions'), col('clicks'), col('dismissals'), col('conversions')]);
}

const keyOf = (r: ReportRow) => [r.slotId, r.day, r.variantId, r.ruleId, r.depth].join('\u0000');
