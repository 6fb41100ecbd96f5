/**
 * The recommendation part of the SQLite store (ports/recommendation-store.ts): the item catalogue.
 * Reads use the reader connection; writes go through the store's exclusive writer, one immediate
 * transaction per call. An item's categories are also kept as rows (rec_item_categories) so that
 * lists and "popular in <category>" filter by index.
 */
import type { ItemHistory } from '../../core/recommendations/co-occurrence.js';
import type { Item } from '../../core/recommendations/item.js';
import type { ChangeSet } from '../../ports/store.js';
import { learnBatch, mergeHistories, MERGE_CAP, profilesLearning, replayLearning, shadowPass } from '../shared/item-learning.js';
import type { ItemStat, ListReportRow, Neighbour, RebuildProgress, RecommendationStore } from '../../ports/recommendation-store.js';
import { afterItem, itemBody, itemCursor, itemFromRow, lastPerId, type ItemBody } from '../shared/item-codec.js';
import type { Database } from './database.js';

interface ItemRow { workspace_id: string; id: string; source: string; body: string; created_at: number; updated_at: number }

const itemOf = (r: ItemRow) => itemFromRow(r, JSON.parse(r.body) as ItemBody);

/** `resolve`: profiles.resolve of the same store (historyOf). */
export function createSqliteRecommendationStore(writer: Database.Database, reader: Database.Database, exclusive: <T>(fn: () => T) => Promise<T>, resolve: (workspaceId: string, key: string) => Promise<string | null>): RecommendationStore {
  const r = {
    get: reader.prepare('SELECT * FROM rec_items WHERE workspace_id = ? AND id = ?'),
    many: reader.prepare('SELECT * FROM rec_items WHERE workspace_id = ? AND id IN (SELECT value FROM json_each(?))'),
    history: reader.prepare('SELECT history FROM rec_history WHERE workspace_id = ? AND profile_id = ?').pluck(),
    // The pairs first (the index gives them best first), then each one's counts by primary key.
    neighbours: reader.prepare(`SELECT p.other_id AS itemId, p.score AS pairScore,
        (SELECT long_score FROM rec_item_stats s WHERE s.workspace_id = @ws AND s.kind = @kind AND s.item_id = @item) AS itemScore,
        (SELECT long_score FROM rec_item_stats s WHERE s.workspace_id = @ws AND s.kind = @kind AND s.item_id = p.other_id) AS otherScore
      FROM (SELECT other_id, score FROM rec_pairs WHERE workspace_id = @ws AND kind = @kind AND item_id = @item ORDER BY score DESC LIMIT @limit) p
      ORDER BY p.score DESC, p.other_id`),
    popular: reader.prepare(`SELECT item_id AS itemId, long_score AS longScore, short_score AS shortScore FROM rec_item_stats
      WHERE workspace_id = ? AND kind = ? ORDER BY long_score DESC, item_id LIMIT ?`),
    listReport: reader.prepare(`SELECT list_id AS listId, strategy, source, sum(views) AS views, sum(impressions) AS impressions, sum(clicks) AS clicks,
        sum(click_positions) AS clickPositions, sum(click_position_sum) AS clickPositionSum
      FROM rec_list_stats WHERE workspace_id = ? AND day BETWEEN ? AND ? GROUP BY list_id, strategy, source ORDER BY list_id, strategy, source`),
    popularIn: reader.prepare(`SELECT s.item_id AS itemId, s.long_score AS longScore, s.short_score AS shortScore FROM rec_item_stats s
      JOIN rec_item_categories c ON c.workspace_id = s.workspace_id AND c.item_id = s.item_id AND c.category = ?
      WHERE s.workspace_id = ? AND s.kind = ? ORDER BY s.long_score DESC, s.item_id LIMIT ?`),
  };
  const w = {
    exists: writer.prepare('SELECT 1 FROM rec_items WHERE workspace_id = ? AND id = ?').pluck(),
    put: writer.prepare(`INSERT INTO rec_items (workspace_id, id, source, body, created_at, updated_at) VALUES (?, ?, 'catalogue', ?, ?, ?)
      ON CONFLICT DO UPDATE SET source = 'catalogue', body = excluded.body, updated_at = excluded.updated_at`),
    delete: writer.prepare('DELETE FROM rec_items WHERE workspace_id = ? AND id = ?'),
    dropCategories: writer.prepare('DELETE FROM rec_item_categories WHERE workspace_id = ? AND item_id = ?'),
    addCategory: writer.prepare('INSERT OR IGNORE INTO rec_item_categories (workspace_id, category, item_id) VALUES (?, ?, ?)'),
    // A rebuild builds into the shadow tables (learnSqliteItems); what is served stays until its last page switches.
    clearPairs: writer.prepare('DELETE FROM rec_pairs_next WHERE workspace_id = ?'),
    clearStats: writer.prepare('DELETE FROM rec_item_stats_next WHERE workspace_id = ?'),
    clearHistories: writer.prepare('DELETE FROM rec_history_next WHERE workspace_id = ?'),
  };
  const putRebuild = prepareRebuildWrite(writer);
  const rebuildOf = reader.prepare('SELECT cursor, processed, started_at AS startedAt, finished_at AS finishedAt FROM rec_rebuilds WHERE workspace_id = ?');
  const setCategories = (workspaceId: string, item: Pick<Item, 'id' | 'categories'>) => {
    w.dropCategories.run(workspaceId, item.id);
    for (const c of item.categories) w.addCategory.run(workspaceId, c, item.id);
  };
  return {
    putItems: (workspaceId, items, at) => exclusive(() => writer.transaction(() => {
      let created = 0, replaced = 0;
      for (const item of lastPerId(items)) {
        if (w.exists.get(workspaceId, item.id) === undefined) created++;
        else replaced++;
        w.put.run(workspaceId, item.id, JSON.stringify(itemBody(item)), at, at);
        setCategories(workspaceId, item);
      }
      return { created, replaced };
    }).immediate()),
    deleteItem: (workspaceId, id) => exclusive(() => writer.transaction(() => {
      w.dropCategories.run(workspaceId, id);
      return w.delete.run(workspaceId, id).changes > 0;
    }).immediate()),
    async getItem(workspaceId, id) {
      const row = r.get.get(workspaceId, id) as ItemRow | undefined;
      return row ? itemOf(row) : null;
    },
    async getItems(workspaceId, ids) {
      if (ids.length === 0) return new Map();
      return new Map((r.many.all(workspaceId, JSON.stringify(ids)) as ItemRow[]).map((row) => [row.id, itemOf(row)]));
    },
    async listItems(workspaceId, query) {
      // With a category, the category's index drives (CROSS JOIN keeps it the outer loop): walking
      // every item in id order and probing its categories read ~40,000 rows for a page of 200 at
      // 100,000 items (bench:recommendations). Same order either way: c.item_id = i.id.
      const category = query.category !== undefined;
      const where = category ? ['c.workspace_id = ?', 'c.category = ?', 'c.item_id > ?'] : ['i.workspace_id = ?', 'i.id > ?'];
      const values: unknown[] = category ? [workspaceId, query.category, afterItem(query.cursor)] : [workspaceId, afterItem(query.cursor)];
      if (query.type !== undefined) { where.push("json_extract(i.body, '$.type') = ?"); values.push(query.type); }
      if (query.source !== undefined) { where.push('i.source = ?'); values.push(query.source); }
      const sql = category
        ? `SELECT i.* FROM rec_item_categories c CROSS JOIN rec_items i ON i.workspace_id = c.workspace_id AND i.id = c.item_id WHERE ${where.join(' AND ')} ORDER BY c.item_id LIMIT ?`
        : `SELECT i.* FROM rec_items i WHERE ${where.join(' AND ')} ORDER BY i.id LIMIT ?`;
      const rows = reader.prepare(sql).all(...values, query.limit + 1) as ItemRow[];
      const page = rows.slice(0, query.limit).map(itemOf);
      return { items: page, nextCursor: rows.length > query.limit ? itemCursor(page[page.length - 1]!.id) : null };
    },
    async history(workspaceId, profileId) {
      const json = r.history.get(workspaceId, profileId) as string | undefined;
      return json === undefined ? null : (JSON.parse(json) as ItemHistory);
    },
    async historyOf(workspaceId, key) {
      const profileId = await resolve(workspaceId, key);
      if (profileId === null) return null;
      const json = r.history.get(workspaceId, profileId) as string | undefined;
      return { profileId, history: json === undefined ? null : (JSON.parse(json) as ItemHistory) };
    },
    async neighbours(workspaceId, family, itemId, limit) {
      return r.neighbours.all({ ws: workspaceId, kind: family, item: itemId, limit }) as Neighbour[];
    },
    async neighboursOfMany(workspaceId, family, itemIds, limit) {
      const out = new Map<string, Neighbour[]>();
      for (const item of new Set(itemIds)) {
        const rows = r.neighbours.all({ ws: workspaceId, kind: family, item, limit }) as Neighbour[];
        if (rows.length > 0) out.set(item, rows);
      }
      return out;
    },
    async listReport(workspaceId, range) {
      return r.listReport.all(workspaceId, range.fromDay, range.toDay) as ListReportRow[];
    },
    async rebuildProgress(workspaceId) {
      return (rebuildOf.get(workspaceId) as RebuildProgress | undefined) ?? null;
    },
    startRebuild: (workspaceId, progress) => exclusive(() => writer.transaction(() => {
      w.clearPairs.run(workspaceId);
      w.clearStats.run(workspaceId);
      w.clearHistories.run(workspaceId);
      putRebuild.run(workspaceId, progress.cursor, progress.processed, progress.startedAt, progress.finishedAt);
    })()),
    async popular(workspaceId, family, options) {
      return (options.category === undefined ? r.popular.all(workspaceId, family, options.limit) : r.popularIn.all(options.category, workspaceId, family, options.limit)) as ItemStat[];
    },
  };
}

/** A rebuild's progress, replaced (startRebuild, and each page in the write transaction: write-tx.ts). */
export function prepareRebuildWrite(db: Database.Database) {
  return db.prepare(`INSERT INTO rec_rebuilds (workspace_id, cursor, processed, started_at, finished_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT DO UPDATE SET cursor = excluded.cursor, processed = excluded.processed, started_at = excluded.started_at, finished_at = excluded.finished_at`);
}

/** Statements of ingest's write transaction for stubs (write-tx.ts). */
export function prepareItemStubWrites(db: Database.Database) {
  return {
    insert: db.prepare(`INSERT INTO rec_items (workspace_id, id, source, body, created_at, updated_at) VALUES (?, ?, 'event', ?, ?, ?) ON CONFLICT DO NOTHING`),
    category: db.prepare('INSERT OR IGNORE INTO rec_item_categories (workspace_id, category, item_id) VALUES (?, ?, ?)'),
  };
}

/** Inside ingest's write transaction: each stub inserted when its id is unknown; stored items are left as they are. */
export function insertSqliteItemStubs(s: ReturnType<typeof prepareItemStubWrites>, workspaceId: string, stubs: readonly Item[], at: number): void {
  for (const stub of stubs) {
    if (s.insert.run(workspaceId, stub.id, JSON.stringify(itemBody(stub)), at, at).changes === 0) continue;
    for (const c of stub.categories) s.category.run(workspaceId, c, stub.id);
  }
}

/**
 * Statements of ingest's write transaction for learning (write-tx.ts), on the live tables and on
 * the shadow tables a rebuild fills (`_next`, migration 42): see learnSqliteItems.
 */
export function prepareItemLearningWrites(db: Database.Database) {
  return {
    live: prepareLearningTables(db, ''),
    next: prepareLearningTables(db, '_next'),
    rebuilding: db.prepare('SELECT 1 FROM rec_rebuilds WHERE workspace_id = ? AND finished_at IS NULL').pluck(),
    liveProfiles: db.prepare('SELECT id FROM profiles WHERE workspace_id = ? AND merged_into IS NULL AND id IN (SELECT value FROM json_each(?))').pluck(),
    switch: [
      // Stubs no replayed event named (their events were erased or deleted by retention) go; the others stay as they are.
      `DELETE FROM rec_item_categories WHERE workspace_id = @ws AND item_id IN (SELECT id FROM rec_items i WHERE i.workspace_id = @ws AND i.source = 'event'
        AND NOT EXISTS (SELECT 1 FROM rec_item_stats_next s WHERE s.workspace_id = @ws AND s.item_id = i.id))`,
      `DELETE FROM rec_items WHERE workspace_id = @ws AND source = 'event' AND NOT EXISTS (SELECT 1 FROM rec_item_stats_next s WHERE s.workspace_id = @ws AND s.item_id = rec_items.id)`,
      ...['rec_pairs', 'rec_item_stats', 'rec_history'].flatMap((table) => [
        `DELETE FROM ${table} WHERE workspace_id = @ws`,
        `INSERT INTO ${table} SELECT * FROM ${table}_next WHERE workspace_id = @ws`,
        `DELETE FROM ${table}_next WHERE workspace_id = @ws`,
      ]),
    ].map((sql) => db.prepare(sql)),
  };
}

function prepareLearningTables(db: Database.Database, suffix: '' | '_next') {
  const history = `rec_history${suffix}`, pairs = `rec_pairs${suffix}`, stats = `rec_item_stats${suffix}`;
  return {
    history: db.prepare(`SELECT history FROM ${history} WHERE workspace_id = ? AND profile_id = ?`).pluck(),
    putHistory: db.prepare(`INSERT INTO ${history} (workspace_id, profile_id, history, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT DO UPDATE SET history = excluded.history, updated_at = max(${history}.updated_at, excluded.updated_at)`),
    dropHistory: db.prepare(`DELETE FROM ${history} WHERE workspace_id = ? AND profile_id = ?`),
    // ln(e^a + e^b), as core/recommendations/decay.ts addLogScores.
    addPair: db.prepare(`INSERT INTO ${pairs} (workspace_id, kind, item_id, other_id, score) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT DO UPDATE SET score = max(score, excluded.score) + ln(1 + exp(-abs(score - excluded.score)))`),
    addStat: db.prepare(`INSERT INTO ${stats} (workspace_id, kind, item_id, long_score, short_score) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT DO UPDATE SET long_score = max(long_score, excluded.long_score) + ln(1 + exp(-abs(long_score - excluded.long_score))),
        short_score = max(short_score, excluded.short_score) + ln(1 + exp(-abs(short_score - excluded.short_score)))`),
    addListStat: db.prepare(`INSERT INTO rec_list_stats (workspace_id, list_id, strategy, source, day, views, impressions, clicks, click_positions, click_position_sum)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET views = views + excluded.views, impressions = impressions + excluded.impressions,
        clicks = clicks + excluded.clicks, click_positions = click_positions + excluded.click_positions, click_position_sum = click_position_sum + excluded.click_position_sum`),
  };
}

type LearningStatements = ReturnType<typeof prepareItemLearningWrites>;
type TableStatements = LearningStatements['live'];

/** A merge inside the write transaction: the merged person's recent items fold into the survivor's (in the rebuild's shadow too, while one runs). */
export function mergeSqliteHistories(s: LearningStatements, m: { workspaceId: string; survivorId: string; mergedId: string; at: number }): void {
  mergeIn(s.live, m);
  if (s.rebuilding.get(m.workspaceId) !== undefined) mergeIn(s.next, m);
}

function mergeIn(s: TableStatements, m: { workspaceId: string; survivorId: string; mergedId: string; at: number }): void {
  const merged = s.history.get(m.workspaceId, m.mergedId) as string | undefined;
  if (merged === undefined) return;
  const survivor = s.history.get(m.workspaceId, m.survivorId) as string | undefined;
  const history = survivor === undefined ? (JSON.parse(merged) as ItemHistory) : mergeHistories(JSON.parse(survivor) as ItemHistory, JSON.parse(merged) as ItemHistory, MERGE_CAP);
  s.putHistory.run(m.workspaceId, m.survivorId, JSON.stringify(history), m.at);
  s.dropHistory.run(m.workspaceId, m.mergedId);
}

/**
 * The batch's interactions, after its merges: histories advanced, aggregates incremented.
 * - Ingest: into the live tables, and, while a rebuild runs, into its shadow tables too (the
 *   rebuilt state then holds what arrived during the rebuild).
 * - A rebuild's page (`replay`): into the shadow tables only, and only for the people still live in
 *   this transaction (one erased after the page read their events is left out).
 * The rebuild's last page switches the shadow in (switchSqliteRebuild).
 */
export function learnSqliteItems(s: LearningStatements, c: ChangeSet): void {
  if (!c.itemLearning || (c.itemLearning.interactions.length === 0 && !c.itemLearning.feedback?.length)) return;
  if (c.itemLearning.replay) {
    const live = new Set(s.liveProfiles.all(c.workspaceId, JSON.stringify(profilesLearning(c))) as string[]);
    learnInto(s.next, replayLearning(c, live), false);
    return;
  }
  learnInto(s.live, c, true);
  if (s.rebuilding.get(c.workspaceId) !== undefined) learnInto(s.next, shadowPass(c), false);
}

/** `countLists`: add the batch's list report rows (once, in the live pass; the histories of both passes take the feedback). */
function learnInto(s: TableStatements, c: ChangeSet, countLists: boolean): void {
  const held = new Map<string, ItemHistory>();
  for (const id of profilesLearning(c)) {
    const json = s.history.get(c.workspaceId, id) as string | undefined;
    if (json !== undefined) held.set(id, JSON.parse(json) as ItemHistory);
  }
  const { histories, learned, lists } = learnBatch(c, held);
  for (const h of histories) s.putHistory.run(c.workspaceId, h.profileId, JSON.stringify(h.history), h.at);
  for (const p of learned.pairs.values()) s.addPair.run(c.workspaceId, p.family, p.itemId, p.otherId, p.score);
  for (const st of learned.stats.values()) s.addStat.run(c.workspaceId, st.family, st.itemId, st.long, st.short);
  if (countLists) for (const l of lists) s.addListStat.run(c.workspaceId, l.listId, l.strategy, l.source, l.day, l.views, l.impressions, l.clicks, l.clickPositions, l.clickPositionSum);
}

/** A rebuild's last page, after its learning and stubs: the shadow tables replace the live ones, in this transaction. */
export function switchSqliteRebuild(s: LearningStatements, workspaceId: string): void {
  for (const statement of s.switch) statement.run({ ws: workspaceId });
}
