/**
 * Link settings, email lists, subscriptions, surveys and answers in PostgreSQL (see
 * ports/email-store.ts). Every operation is one statement on the pool.
 */
import type { EmailList, ListSubscription } from '../../core/links/email-list.js';
import type { Survey } from '../../core/links/survey.js';
import type { EmailStore, LinkSettings, SurveyAnswer } from '../../ports/email-store.js';
import type { Pool } from './database.js';

interface SubscriptionRow { workspace_id: string; list_id: string; profile_id: string; status: ListSubscription['status']; request_id: string | null; requested_at: string | null; confirmed_at: string | null; unsubscribed_at: string | null; updated_at: string }
interface AnswerRow { workspace_id: string; token_id: string; survey_id: string; question_id: string; profile_id: string; answer: string; message_id: string | null; answered_at: string }
interface DefinitionRow { id: string; definition: Record<string, unknown> }

const num = (v: string | null) => (v === null ? null : Number(v));
const toSubscription = (r: SubscriptionRow): ListSubscription => ({
  workspaceId: r.workspace_id, listId: r.list_id, profileId: r.profile_id, status: r.status, requestId: r.request_id,
  requestedAt: num(r.requested_at), confirmedAt: num(r.confirmed_at), unsubscribedAt: num(r.unsubscribed_at), updatedAt: Number(r.updated_at),
});
const toAnswer = (r: AnswerRow): SurveyAnswer => ({
  workspaceId: r.workspace_id, tokenId: r.token_id, surveyId: r.survey_id, questionId: r.question_id, profileId: r.profile_id,
  answer: r.answer, messageId: r.message_id, answeredAt: Number(r.answered_at),
});
const definitionUpsert = (table: string) => `INSERT INTO ${table} (workspace_id, id, definition, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
  ON CONFLICT (workspace_id, id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at`;
const withoutId = (value: { id: string }) => { const { id: _id, ...rest } = value; return JSON.stringify(rest); };
const definition = <T>(row: DefinitionRow | undefined): T | null => (row ? ({ ...row.definition, id: row.id } as T) : null);

export function createPostgresEmailStore(pool: Pool): EmailStore {
  return {
    async getLinkSettings(workspaceId) {
      const { rows } = await pool.query<{ settings: LinkSettings }>('SELECT settings FROM link_settings WHERE workspace_id = $1', [workspaceId]);
      return rows[0]?.settings ?? null;
    },
    async putLinkSettings(workspaceId, settings, at) {
      await pool.query(`INSERT INTO link_settings (workspace_id, settings, updated_at) VALUES ($1, $2, $3)
        ON CONFLICT (workspace_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`, [workspaceId, JSON.stringify(settings), at]);
    },
    async putList(workspaceId, list, at) {
      await pool.query(definitionUpsert('email_lists'), [workspaceId, list.id, withoutId(list), at]);
    },
    async getList(workspaceId, listId) {
      return definition<EmailList>((await pool.query<DefinitionRow>('SELECT id, definition FROM email_lists WHERE workspace_id = $1 AND id = $2', [workspaceId, listId])).rows[0]);
    },
    async lists(workspaceId) {
      return (await pool.query<DefinitionRow>('SELECT id, definition FROM email_lists WHERE workspace_id = $1 ORDER BY id', [workspaceId])).rows.map((r) => definition<EmailList>(r)!);
    },
    async putSurvey(workspaceId, survey, at) {
      await pool.query(definitionUpsert('surveys'), [workspaceId, survey.id, withoutId(survey), at]);
    },
    async getSurvey(workspaceId, surveyId) {
      return definition<Survey>((await pool.query<DefinitionRow>('SELECT id, definition FROM surveys WHERE workspace_id = $1 AND id = $2', [workspaceId, surveyId])).rows[0]);
    },
    async surveys(workspaceId) {
      return (await pool.query<DefinitionRow>('SELECT id, definition FROM surveys WHERE workspace_id = $1 ORDER BY id', [workspaceId])).rows.map((r) => definition<Survey>(r)!);
    },
    async deleteSurvey(workspaceId, surveyId) {
      return (await pool.query('DELETE FROM surveys WHERE workspace_id = $1 AND id = $2', [workspaceId, surveyId])).rowCount === 1;
    },
    async subscription(workspaceId, listId, profileIds) {
      const { rows } = await pool.query<SubscriptionRow>(`SELECT * FROM list_subscriptions WHERE workspace_id = $1 AND list_id = $2 AND profile_id = ANY($3::text[])
        ORDER BY updated_at DESC, profile_id LIMIT 1`, [workspaceId, listId, profileIds]);
      return rows[0] ? toSubscription(rows[0]) : null;
    },
    async subscriptionsOf(workspaceId, profileIds) {
      const { rows } = await pool.query<SubscriptionRow>(`SELECT * FROM list_subscriptions WHERE workspace_id = $1 AND profile_id = ANY($2::text[])
        ORDER BY list_id, updated_at, profile_id`, [workspaceId, profileIds]);
      return rows.map(toSubscription);
    },
    async putSubscription(s) {
      await pool.query(`INSERT INTO list_subscriptions (workspace_id, list_id, profile_id, status, request_id, requested_at, confirmed_at, unsubscribed_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (workspace_id, list_id, profile_id) DO UPDATE SET status = excluded.status, request_id = excluded.request_id,
        requested_at = excluded.requested_at, confirmed_at = excluded.confirmed_at, unsubscribed_at = excluded.unsubscribed_at, updated_at = excluded.updated_at`,
      [s.workspaceId, s.listId, s.profileId, s.status, s.requestId, s.requestedAt, s.confirmedAt, s.unsubscribedAt, s.updatedAt]);
    },
    async recordAnswer(a) {
      const result = await pool.query(`INSERT INTO survey_answers (workspace_id, token_id, survey_id, question_id, profile_id, answer, message_id, answered_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`, [a.workspaceId, a.tokenId, a.surveyId, a.questionId, a.profileId, a.answer, a.messageId, a.answeredAt]);
      return result.rowCount === 1;
    },
    async answersOf(workspaceId, profileIds) {
      const { rows } = await pool.query<AnswerRow>('SELECT * FROM survey_answers WHERE workspace_id = $1 AND profile_id = ANY($2::text[]) ORDER BY answered_at, token_id', [workspaceId, profileIds]);
      return rows.map(toAnswer);
    },
    async answerCounts(workspaceId, surveyId) {
      // Each person's latest answer to each question, as in the SQLite store.
      const { rows } = await pool.query<{ question_id: string; answer: string; count: string }>(`SELECT question_id, answer, count(*) AS count FROM (
          SELECT question_id, answer, row_number() OVER (PARTITION BY question_id, profile_id ORDER BY answered_at DESC, token_id DESC) AS n
          FROM survey_answers WHERE workspace_id = $1 AND survey_id = $2) AS latest
        WHERE n = 1 GROUP BY question_id, answer ORDER BY question_id, answer`, [workspaceId, surveyId]);
      return rows.map((r) => ({ questionId: r.question_id, answer: r.answer, count: Number(r.count) }));
    },
    async purgeAnswers(workspaceId, before) {
      return (await pool.query('DELETE FROM survey_answers WHERE workspace_id = $1 AND answered_at < $2', [workspaceId, before])).rowCount ?? 0;
    },
  };
}
