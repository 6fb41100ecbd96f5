/**
 * Slot reports (core/decisions/slot-report.ts): counts per workspace × slot × variant × rule ×
 * depth × local day. Store.slotReports.
 *
 * Written only by ingest, inside the batch's write transaction: ChangeSet.exposures' updates yield
 * the increments (storage/shared/counter-updates.ts), which the adapter adds to the rows. The rows
 * hold no person ids, so erasure does not touch them and the person's export does not list them.
 */
import type { ReportRow } from '../core/decisions/slot-report.js';

export interface SlotReportStore {
  /**
   * The slot's rows with `from ≤ day ≤ to` (YYYY-MM-DD), ordered by day, variant, rule, depth.
   * A slot without rows (or an unknown slot) answers [].
   */
  rows(workspaceId: string, slotId: string, range: { from: string; to: string }): Promise<ReportRow[]>;
}
