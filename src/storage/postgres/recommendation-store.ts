/**
 * The recommendation part of the PostgreSQL store (ports/recommendation-store.ts): the item
 * catalogue. A put is one upsert over unnest()ed columns (`xmax = 0` tells an insert from an
 * update) and one rewrite of the items' category rows, in one transaction.
 */
import type { ItemStat, ListReportRow, Neighbour, RebuildProgress, RecommendationStore } from '../../ports/recommendation-store.js';
import { afterItem, itemBody, itemCursor, itemFromRow, lastPerId, type ItemBody } from '../shared/item-codec.js';
import type { ItemHistory } from '../../core/recommendations/co-occurrence.js';
import type { Item } from '../../core/recommendations/item.js';
import type { ChangeSet } from '../../ports/store.js';
import { learnBatch, mergeHistories, MERGE_CAP, profilesLearning, replayLearning, shadowPass } from '../shared/item-learning.js';
import { WORKSPACE_LOCK_CLASS } from './workspace-lock.js';
import { createPostgresProfileQueries, RESOLVE_SQL } from './profile-queries.js';
import { text } from './values.js';
import { chunks } from './values.js';
import type { Pool, Queryable } from './database.js';
import { inTransaction } from './transaction.js';

interface ItemRow { workspace_id: string; id: string; source: string; body: ItemBody; created_at: string; updated_at: string }

const itemOf = (r: ItemRow) => itemFromRow(r, r.body);

export function createPostgresRecommendationStore(pool: Pool): RecommendationStore {
  const profiles = createPostgresProfileQueries(pool);
  return {
    putItems(workspaceId, items, at) {
      const unique = lastPerId(items);
      if (unique.length === 0) return Promise.resolve({ created: 0, replaced: 0 });
      return inTransaction(pool, async (client) => {
        const ids = unique.map((i) => i.id);
        const { rows } = await client.query<{ inserted: boolean }>(`INSERT INTO rec_items (workspace_id, id, source, body, created_at, updated_at)
          SELECT $1, x.id, 'catalogue', x.body::json, $4, $4 FROM unnest($2::text[], $3::text[]) AS x(id, body)
          ON CONFLICT (workspace_id, id) DO UPDATE SET source = 'catalogue', body = excluded.body, updated_at = excluded.updated_at
          RETURNING (xmax = 0) AS inserted`, [workspaceId, ids, unique.map((i) => JSON.stringify(itemBody(i))), at]);
        await client.query('DELETE FROM rec_item_categories WHERE workspace_id = $1 AND item_id = ANY($2::text[])', [workspaceId, ids]);
        const pairs = unique.flatMap((i) => i.categories.map((c) => [c, i.id] as const));
        if (pairs.length > 0) {
          await client.query(`INSERT INTO rec_item_categories (workspace_id, category, item_id)
            SELECT $1, c, i FROM unnest($2::text[], $3::text[]) AS x(c, i) ON CONFLICT DO NOTHING`, [workspaceId, pairs.map((p) => p[0]), pairs.map((p) => p[1])]);
        }
        const created = rows.filter((r) => r.inserted).length;
        return { created, replaced: rows.length - created };
      });
    },
    deleteItem(workspaceId, id) {
      return inTransaction(pool, async (client) => {
        await client.query('DELETE FROM rec_item_categories WHERE workspace_id = $1 AND item_id = $2', [workspaceId, id]);
        const { rowCount } = await client.query('DELETE FROM rec_items WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
        return (rowCount ?? 0) > 0;
      });
    },
    async getItem(workspaceId, id) {
      const { rows } = await pool.query<ItemRow>('SELECT * FROM rec_items WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
      return rows[0] ? itemOf(rows[0]) : null;
    },
    async getItems(workspaceId, ids) {
      if (ids.length === 0) return new Map();
      const { rows } = await pool.query<ItemRow>('SELECT * FROM rec_items WHERE workspace_id = $1 AND id = ANY($2::text[])', [workspaceId, [...ids]]);
      return new Map(rows.map((row) => [row.id, itemOf(row)]));
    },
    async listItems(workspaceId, query) {
      // With a category, the category's index drives (in id order, as the page is): probing each
      // item's categories in id order read most of a 100,000-item catalogue for a page of 200.
      const values: unknown[] = [workspaceId, afterItem(query.cursor)];
      const category = query.category !== undefined;
      const where = category ? ['c.workspace_id = $1', 'c.item_id > $2'] : ['i.workspace_id = $1', 'i.id > $2'];
      const param = (v: unknown) => { values.push(v); return `$${values.length}`; };
      if (category) where.push(`c.category = ${param(query.category)}`);
      if (query.type !== undefined) where.push(`i.body->>'type' = ${param(query.type)}`);
      if (query.source !== undefined) where.push(`i.source = ${param(query.source)}`);
      const { rows } = await pool.query<ItemRow>(category
        ? `SELECT i.* FROM rec_item_categories c JOIN rec_items i ON i.workspace_id = c.workspace_id AND i.id = c.item_id WHERE ${where.join(' AND ')} ORDER BY c.item_id LIMIT ${param(query.limit + 1)}`
        : `SELECT i.* FROM rec_items i WHERE ${where.join(' AND ')} ORDER BY i.id LIMIT ${param(query.limit + 1)}`, values);
      const page = rows.slice(0, query.limit).map(itemOf);
      return { items: page, nextCursor: rows.length > query.limit ? itemCursor(page[page.length - 1]!.id) : null };
    },
    async history(workspaceId, profileId) {
      const { rows } = await pool.query<{ history: ItemHistory }>('SELECT history FROM rec_history WHERE workspace_id = $1 AND profile_id = $2', [workspaceId, profileId]);
      return rows[0]?.history ?? null;
    },
    async historyOf(workspaceId, key) {
      // RESOLVE_SQL (profile-queries.ts) with the live profile's history joined: one round trip.
      const { rows } = await pool.query<{ id: string; merged_into: string | null; history: ItemHistory | null }>({
        name: 'tessera_resolve_history',
        text: `SELECT r.id, r.merged_into, h.history FROM (${RESOLVE_SQL}) r LEFT JOIN rec_history h ON h.workspace_id = $1 AND h.profile_id = r.id`,
        values: [workspaceId, text(key), text(key.trim().toLowerCase()), key],
      });
      const found = rows[0];
      if (!found) return null;
      if (found.merged_into === null) return { profileId: found.id, history: found.history };
      // A merged-away profile id (rare): its live survivor, then their history.
      const profileId = await profiles.resolve(workspaceId, key);
      return profileId === null ? null : { profileId, history: await this.history(workspaceId, profileId) };
    },
    async neighbours(workspaceId, family, itemId, limit) {
      // The pairs first (the index gives them best first), then each one's counts by primary key:
      // a join let a planner with young statistics scan every count of the family per pair.
      const { rows } = await pool.query<Neighbour>(`SELECT p.other_id AS "itemId", p.score AS "pairScore",
          (SELECT long_score FROM rec_item_stats s WHERE s.workspace_id = $1 AND s.kind = $2 AND s.item_id = $3) AS "itemScore",
          (SELECT long_score FROM rec_item_stats s WHERE s.workspace_id = $1 AND s.kind = $2 AND s.item_id = p.other_id) AS "otherScore"
        FROM (SELECT other_id, score FROM rec_pairs WHERE workspace_id = $1 AND kind = $2 AND item_id = $3 ORDER BY score DESC LIMIT $4) p
        ORDER BY p.score DESC, p.other_id`, [workspaceId, family, itemId, limit]);
      return rows;
    },
    async neighboursOfMany(workspaceId, family, itemIds, limit) {
      const out = new Map<string, Neighbour[]>();
      if (itemIds.length === 0) return out;
      // Each item's best pairs by the pairs index (LATERAL ... LIMIT), then the counts by primary key, as neighbours does.
      const { rows } = await pool.query<Neighbour & { forItem: string }>(`SELECT x.item_id AS "forItem", p.other_id AS "itemId", p.score AS "pairScore",
          (SELECT long_score FROM rec_item_stats s WHERE s.workspace_id = $1 AND s.kind = $2 AND s.item_id = x.item_id) AS "itemScore",
          (SELECT long_score FROM rec_item_stats s WHERE s.workspace_id = $1 AND s.kind = $2 AND s.item_id = p.other_id) AS "otherScore"
        FROM (SELECT DISTINCT unnest($3::text[]) AS item_id) x
        CROSS JOIN LATERAL (SELECT other_id, score FROM rec_pairs WHERE workspace_id = $1 AND kind = $2 AND item_id = x.item_id ORDER BY score DESC LIMIT $4) p
        ORDER BY x.item_id, p.score DESC, p.other_id`, [workspaceId, family, [...itemIds], limit]);
      for (const { forItem, ...n } of rows) {
        const list = out.get(forItem);
        if (list) list.push(n);
        else out.set(forItem, [n]);
      }
      return out;
    },
    async popular(workspaceId, family, options) {
      const { rows } = options.category === undefined
        ? await pool.query<ItemStat>(`SELECT item_id AS "itemId", long_score AS "longScore", short_score AS "shortScore" FROM rec_item_stats
            WHERE workspace_id = $1 AND kind = $2 ORDER BY long_score DESC, item_id LIMIT $3`, [workspaceId, family, options.limit])
        : await pool.query<ItemStat>(`SELECT s.item_id AS "itemId", s.long_score AS "longScore", s.short_score AS "shortScore" FROM rec_item_stats s
            JOIN rec_item_categories c ON c.workspace_id = s.workspace_id AND c.item_id = s.item_id AND c.category = $4
            WHERE s.workspace_id = $1 AND s.kind = $2 ORDER BY s.long_score DESC, s.item_id LIMIT $3`, [workspaceId, family, options.limit, options.category]);
      return rows;
    },
    async listReport(workspaceId, range) {
      const { rows } = await pool.query<Record<string, string>>(`SELECT list_id, strategy, source, sum(views) AS views, sum(impressions) AS impressions, sum(clicks) AS clicks,
          sum(click_positions) AS click_positions, sum(click_position_sum) AS click_position_sum
        FROM rec_list_stats WHERE workspace_id = $1 AND day BETWEEN $2 AND $3 GROUP BY list_id, strategy, source ORDER BY list_id, strategy, source`, [workspaceId, range.fromDay, range.toDay]);
      return rows.map((r) => ({
        listId: r.list_id!, strategy: r.strategy!, source: r.source as ListReportRow['source'], views: Number(r.views), impressions: Number(r.impressions),
        clicks: Number(r.clicks), clickPositions: Number(r.click_positions), clickPositionSum: Number(r.click_position_sum),
      }));
    },    async rebuildProgress(workspaceId) {
      const { rows } = await pool.query<{ cursor: string; processed: string; started_at: string; finished_at: string | null }>(
        'SELECT cursor, processed, started_at, finished_at FROM rec_rebuilds WHERE workspace_id = $1', [workspaceId]);
      const row = rows[0];
      return row ? { cursor: row.cursor, processed: Number(row.processed), startedAt: Number(row.started_at), finishedAt: row.finished_at === null ? null : Number(row.finished_at) } : null;
    },
    startRebuild(workspaceId, progress) {
      return inTransaction(pool, async (client) => {
        // A rebuild builds into the shadow tables (learnPostgresItems); what is served stays until its last page switches.
        for (const table of ['rec_pairs_next', 'rec_item_stats_next', 'rec_history_next']) await client.query(`DELETE FROM ${table} WHERE workspace_id = $1`, [workspaceId]);
        await putPostgresRebuild(client, workspaceId, progress);
      });
    },
  };
}

/** A rebuild's last page, after its learning and stubs: the shadow tables replace the live ones, in its transaction. */
export async function switchPostgresRebuild(db: Queryable, workspaceId: string): Promise<void> {
  const statements = [
    // Stubs no replayed event named (their events were erased or deleted by retention) go; the others stay as they are.
    `DELETE FROM rec_item_categories c USING rec_items i WHERE c.workspace_id = $1 AND i.workspace_id = $1 AND i.id = c.item_id AND i.source = 'event'
      AND NOT EXISTS (SELECT 1 FROM rec_item_stats_next s WHERE s.workspace_id = $1 AND s.item_id = i.id)`,
    `DELETE FROM rec_items i WHERE i.workspace_id = $1 AND i.source = 'event' AND NOT EXISTS (SELECT 1 FROM rec_item_stats_next s WHERE s.workspace_id = $1 AND s.item_id = i.id)`,
    ...['rec_pairs', 'rec_item_stats', 'rec_history'].flatMap((table) => [
      `DELETE FROM ${table} WHERE workspace_id = $1`,
      `INSERT INTO ${table} SELECT * FROM ${table}_next WHERE workspace_id = $1`,
      `DELETE FROM ${table}_next WHERE workspace_id = $1`,
    ]),
  ];
  for (const sql of statements) await db.query(sql, [workspaceId]);
}

/** A rebuild's progress, replaced (startRebuild, and each page in the write transaction: apply-changes.ts). */
export function putPostgresRebuild(db: Queryable, workspaceId: string, p: RebuildProgress): Promise<unknown> {
  return db.query(`INSERT INTO rec_rebuilds (workspace_id, cursor, processed, started_at, finished_at) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (workspace_id) DO UPDATE SET cursor = excluded.cursor, processed = excluded.processed, started_at = excluded.started_at, finished_at = excluded.finished_at`,
  [workspaceId, p.cursor, p.processed, p.startedAt, p.finishedAt]);
}

/**
 * Inside ingest's write transaction (apply-changes.ts): each stub inserted when its id is unknown,
 * with its categories; stored items are left as they are. One statement.
 */
export function insertPostgresItemStubs(db: Queryable, workspaceId: string, stubs: readonly Item[], at: number): Promise<unknown> {
  return db.query({
    name: 'tessera_insert_item_stubs',
    text: `WITH added AS (
        INSERT INTO rec_items (workspace_id, id, source, body, created_at, updated_at)
        SELECT $1, x.id, 'event', x.body::json, $4, $4 FROM unnest($2::text[], $3::text[]) AS x(id, body)
        ON CONFLICT (workspace_id, id) DO NOTHING RETURNING id, body)
      INSERT INTO rec_item_categories (workspace_id, category, item_id)
      SELECT $1, c.value, added.id FROM added, json_array_elements_text(added.body->'categories') AS c(value) ON CONFLICT DO NOTHING`,
    values: [workspaceId, stubs.map((s) => s.id), stubs.map((s) => JSON.stringify(itemBody(s))), at],
  });
}

const LIVE = { history: 'rec_history', pairs: 'rec_pairs', stats: 'rec_item_stats', name: '' };
const NEXT = { history: 'rec_history_next', pairs: 'rec_pairs_next', stats: 'rec_item_stats_next', name: '_next' };
type Tables = typeof LIVE;

/**
 * Inside ingest's write transaction (apply-changes.ts), after the merges are queued: merged
 * people's recent items fold into their final survivor's, then the batch's interactions advance
 * the histories (rows locked, in id order) and add their increments to the aggregates, each row
 * once (log-sum-exp as core/recommendations/decay.ts addLogScores).
 * - Ingest: into the live tables, and, while a rebuild runs, into its shadow tables too (`_next`,
 *   migration 42: the rebuilt state then holds what arrived during the rebuild).
 * - A rebuild's page (`replay`): into the shadow tables only, for the people still live once the
 *   workspace lock is held in shared mode (an erasure holds it exclusively: one that committed after
 *   the page read the events leaves its person out; one waiting runs after the page and deletes
 *   what it wrote). Its last page switches the shadow in (switchPostgresRebuild).
 */
export async function learnPostgresItems(db: Queryable, c: ChangeSet, finalOf: (id: string) => string): Promise<void> {
  const learning = c.itemLearning && (c.itemLearning.interactions.length > 0 || (c.itemLearning.feedback?.length ?? 0) > 0);
  if (c.merges.length === 0 && !learning) return;
  if (c.itemLearning?.replay) {
    const ids = profilesLearning(c);
    const [, live] = await Promise.all([
      db.query('SELECT pg_advisory_xact_lock_shared($1, hashtext($2))', [WORKSPACE_LOCK_CLASS, c.workspaceId]),
      db.query<{ id: string }>('SELECT id FROM profiles WHERE workspace_id = $1 AND id = ANY($2::text[]) AND merged_into IS NULL', [c.workspaceId, ids]),
    ]);
    await learnInto(db, replayLearning(c, new Set(live.rows.map((r) => r.id))), finalOf, NEXT);
    return;
  }
  const rebuilding = db.query('SELECT 1 FROM rec_rebuilds WHERE workspace_id = $1 AND finished_at IS NULL', [c.workspaceId]);
  await learnInto(db, c, finalOf, LIVE);
  if (((await rebuilding).rowCount ?? 0) > 0) await learnInto(db, shadowPass(c), finalOf, NEXT);
}

/** The list report rows are counted in the live pass only (the histories of both passes take the feedback). */
async function learnInto(db: Queryable, c: ChangeSet, finalOf: (id: string) => string, t: Tables): Promise<void> {
  const mergedIds = c.merges.map((m) => m.mergedId);
  const ids = [...new Set([...mergedIds, ...mergedIds.map(finalOf), ...profilesLearning(c)])];
  const { rows } = await db.query<{ profile_id: string; history: ItemHistory }>(
    `SELECT profile_id, history FROM ${t.history} WHERE workspace_id = $1 AND profile_id = ANY($2::text[]) ORDER BY profile_id FOR UPDATE`, [c.workspaceId, ids]);
  const held = new Map(rows.map((r) => [r.profile_id, r.history]));
  const write = new Map<string, { history: ItemHistory; at: number }>();
  const removed: string[] = [];
  for (const m of c.merges) {
    const merged = held.get(m.mergedId);
    if (!merged) continue;
    const finalId = finalOf(m.mergedId);
    const survivor = held.get(finalId);
    const history = survivor ? mergeHistories(survivor, merged, MERGE_CAP) : merged;
    held.set(finalId, history);
    held.delete(m.mergedId);
    removed.push(m.mergedId);
    write.set(finalId, { history, at: m.at });
  }
  const { histories, learned, lists } = learnBatch(c, held);
  for (const h of histories) write.set(h.profileId, { history: h.history, at: Math.max(h.at, write.get(h.profileId)?.at ?? 0) });
  if (removed.length > 0) await db.query(`DELETE FROM ${t.history} WHERE workspace_id = $1 AND profile_id = ANY($2::text[])`, [c.workspaceId, removed]);
  if (write.size > 0) {
    const profileIds = [...write.keys()];
    await db.query(`INSERT INTO ${t.history} AS r (workspace_id, profile_id, history, updated_at)
      SELECT $1, p, h::json, t FROM unnest($2::text[], $3::text[], $4::bigint[]) AS x(p, h, t)
      ON CONFLICT (workspace_id, profile_id) DO UPDATE SET history = excluded.history, updated_at = GREATEST(r.updated_at, excluded.updated_at)`,
    [c.workspaceId, profileIds, profileIds.map((id) => JSON.stringify(write.get(id)!.history)), profileIds.map((id) => write.get(id)!.at)]);
  }
  const pairs = [...learned.pairs.values()].sort((a, b) => a.family.localeCompare(b.family) || (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : a.otherId < b.otherId ? -1 : 1));
  for (const part of chunks(pairs, 5000)) {
    await db.query({
      name: `tessera_add_rec_pairs${t.name}`,
      text: `INSERT INTO ${t.pairs} AS r (workspace_id, kind, item_id, other_id, score)
        SELECT $1, k, i, o, s FROM unnest($2::text[], $3::text[], $4::text[], $5::float8[]) AS x(k, i, o, s)
        ON CONFLICT (workspace_id, kind, item_id, other_id) DO UPDATE SET score = GREATEST(r.score, excluded.score) + ln(1 + exp(-abs(r.score - excluded.score)))`,
      values: [c.workspaceId, part.map((p) => p.family), part.map((p) => p.itemId), part.map((p) => p.otherId), part.map((p) => p.score)],
    });
  }
  const stats = [...learned.stats.values()].sort((a, b) => a.family.localeCompare(b.family) || (a.itemId < b.itemId ? -1 : 1));
  for (const part of chunks(stats, 5000)) {
    await db.query({
      name: `tessera_add_rec_stats${t.name}`,
      text: `INSERT INTO ${t.stats} AS r (workspace_id, kind, item_id, long_score, short_score)
        SELECT $1, k, i, l, s FROM unnest($2::text[], $3::text[], $4::float8[], $5::float8[]) AS x(k, i, l, s)
        ON CONFLICT (workspace_id, kind, item_id) DO UPDATE SET
          long_score = GREATEST(r.long_score, excluded.long_score) + ln(1 + exp(-abs(r.long_score - excluded.long_score))),
          short_score = GREATEST(r.short_score, excluded.short_score) + ln(1 + exp(-abs(r.short_score - excluded.short_score)))`,
      values: [c.workspaceId, part.map((p) => p.family), part.map((p) => p.itemId), part.map((p) => p.long), part.map((p) => p.short)],
    });
  }
  if (lists.length > 0 && t === LIVE) {
    await db.query({
      name: 'tessera_add_rec_list_stats',
      text: `INSERT INTO rec_list_stats AS r (workspace_id, list_id, strategy, source, day, views, impressions, clicks, click_positions, click_position_sum)
        SELECT $1, l, st, so, d, v, i, c, cp, cs FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[]) AS x(l, st, so, d, v, i, c, cp, cs)
        ON CONFLICT (workspace_id, day, list_id, strategy, source) DO UPDATE SET views = r.views + excluded.views, impressions = r.impressions + excluded.impressions,
          clicks = r.clicks + excluded.clicks, click_positions = r.click_positions + excluded.click_positions, click_position_sum = r.click_position_sum + excluded.click_position_sum`,
      values: [c.workspaceId, lists.map((l) => l.listId), lists.map((l) => l.strategy), lists.map((l) => l.source), lists.map((l) => l.day), lists.map((l) => l.views),
        lists.map((l) => l.impressions), lists.map((l) => l.clicks), lists.map((l) => l.clickPositions), lists.map((l) => l.clickPositionSum)],
    });
  }
}
