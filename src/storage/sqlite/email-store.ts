/**
 * Link settings, email lists, subscriptions, surveys and answers in SQLite (see
 * ports/email-store.ts). Writes go through the store's exclusive writer; reads use the reader
 * connection (WAL: the last commit).
 */
import type { EmailList, ListSubscription } from '../../core/links/email-list.js';
import type { Survey } from '../../core/links/survey.js';
import type { AnswerCount, EmailStore, LinkSettings, SurveyAnswer } from '../../ports/email-store.js';
import type { Database } from './database.js';

interface SubscriptionRow { workspace_id: string; list_id: string; profile_id: string; status: ListSubscription['status']; request_id: string | null; requested_at: number | null; confirmed_at: number | null; unsubscribed_at: number | null; updated_at: number }
interface AnswerRow { workspace_id: string; token_id: string; survey_id: string; question_id: string; profile_id: string; answer: string; message_id: string | null; answered_at: number }

const toSubscription = (r: SubscriptionRow): ListSubscription => ({
  workspaceId: r.workspace_id, listId: r.list_id, profileId: r.profile_id, status: r.status, requestId: r.request_id,
  requestedAt: r.requested_at, confirmedAt: r.confirmed_at, unsubscribedAt: r.unsubscribed_at, updatedAt: r.updated_at,
});
const toAnswer = (r: AnswerRow): SurveyAnswer => ({
  workspaceId: r.workspace_id, tokenId: r.token_id, surveyId: r.survey_id, questionId: r.question_id, profileId: r.profile_id,
  answer: r.answer, messageId: r.message_id, answeredAt: r.answered_at,
});
const definitionUpsert = (table: string) => `INSERT INTO ${table} (workspace_id, id, definition, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (workspace_id, id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at`;

export function createSqliteEmailStore(writer: Database.Database, reader: Database.Database, exclusive: <T>(fn: () => T) => Promise<T>): EmailStore {
  const r = {
    settings: reader.prepare('SELECT settings FROM link_settings WHERE workspace_id = ?').pluck(),
    list: reader.prepare('SELECT id, definition FROM email_lists WHERE workspace_id = ? AND id = ?'),
    lists: reader.prepare('SELECT id, definition FROM email_lists WHERE workspace_id = ? ORDER BY id'),
    survey: reader.prepare('SELECT id, definition FROM surveys WHERE workspace_id = ? AND id = ?'),
    surveys: reader.prepare('SELECT id, definition FROM surveys WHERE workspace_id = ? ORDER BY id'),
    subscription: reader.prepare(`SELECT * FROM list_subscriptions WHERE workspace_id = ? AND list_id = ? AND profile_id IN (SELECT value FROM json_each(?))
      ORDER BY updated_at DESC, profile_id LIMIT 1`),
    subscriptions: reader.prepare('SELECT * FROM list_subscriptions WHERE workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?)) ORDER BY list_id, updated_at, profile_id'),
    answers: reader.prepare('SELECT * FROM survey_answers WHERE workspace_id = ? AND profile_id IN (SELECT value FROM json_each(?)) ORDER BY answered_at, token_id'),
    // Each person's latest answer to each question (one who changed their mind counts once, for
    // the new answer); the earlier rows stay for their export.
    counts: reader.prepare(`SELECT question_id AS questionId, answer, count(*) AS count FROM (
        SELECT question_id, answer, row_number() OVER (PARTITION BY question_id, profile_id ORDER BY answered_at DESC, token_id DESC) AS n
        FROM survey_answers WHERE workspace_id = ? AND survey_id = ?)
      WHERE n = 1 GROUP BY question_id, answer ORDER BY question_id, answer`),
  };
  const w = {
    settings: writer.prepare(`INSERT INTO link_settings (workspace_id, settings, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (workspace_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`),
    list: writer.prepare(definitionUpsert('email_lists')),
    survey: writer.prepare(definitionUpsert('surveys')),
    subscription: writer.prepare(`INSERT INTO list_subscriptions (workspace_id, list_id, profile_id, status, request_id, requested_at, confirmed_at, unsubscribed_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, list_id, profile_id) DO UPDATE SET status = excluded.status, request_id = excluded.request_id,
      requested_at = excluded.requested_at, confirmed_at = excluded.confirmed_at, unsubscribed_at = excluded.unsubscribed_at, updated_at = excluded.updated_at`),
    deleteSurvey: writer.prepare('DELETE FROM surveys WHERE workspace_id = ? AND id = ?'),
    purgeAnswers: writer.prepare('DELETE FROM survey_answers WHERE workspace_id = ? AND answered_at < ?'),
    answer: writer.prepare(`INSERT INTO survey_answers (workspace_id, token_id, survey_id, question_id, profile_id, answer, message_id, answered_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
  };
  const definition = <T>(row: { id: string; definition: string } | undefined): T | null => (row ? ({ ...JSON.parse(row.definition), id: row.id } as T) : null);
  const withoutId = (value: { id: string }) => { const { id: _id, ...rest } = value; return JSON.stringify(rest); };

  return {
    async getLinkSettings(workspaceId) {
      const json = r.settings.get(workspaceId) as string | undefined;
      return json ? (JSON.parse(json) as LinkSettings) : null;
    },
    putLinkSettings: (workspaceId, settings, at) => exclusive(() => { w.settings.run(workspaceId, JSON.stringify(settings), at); }),
    putList: (workspaceId, list, at) => exclusive(() => { w.list.run(workspaceId, list.id, withoutId(list), at, at); }),
    getList: async (workspaceId, listId) => definition<EmailList>(r.list.get(workspaceId, listId) as { id: string; definition: string } | undefined),
    lists: async (workspaceId) => (r.lists.all(workspaceId) as Array<{ id: string; definition: string }>).map((row) => definition<EmailList>(row)!),
    putSurvey: (workspaceId, survey, at) => exclusive(() => { w.survey.run(workspaceId, survey.id, withoutId(survey), at, at); }),
    getSurvey: async (workspaceId, surveyId) => definition<Survey>(r.survey.get(workspaceId, surveyId) as { id: string; definition: string } | undefined),
    surveys: async (workspaceId) => (r.surveys.all(workspaceId) as Array<{ id: string; definition: string }>).map((row) => definition<Survey>(row)!),
    deleteSurvey: (workspaceId, surveyId) => exclusive(() => w.deleteSurvey.run(workspaceId, surveyId).changes === 1),
    async subscription(workspaceId, listId, profileIds) {
      const row = r.subscription.get(workspaceId, listId, JSON.stringify(profileIds)) as SubscriptionRow | undefined;
      return row ? toSubscription(row) : null;
    },
    subscriptionsOf: async (workspaceId, profileIds) => (r.subscriptions.all(workspaceId, JSON.stringify(profileIds)) as SubscriptionRow[]).map(toSubscription),
    putSubscription: (s) => exclusive(() => {
      w.subscription.run(s.workspaceId, s.listId, s.profileId, s.status, s.requestId, s.requestedAt, s.confirmedAt, s.unsubscribedAt, s.updatedAt);
    }),
    recordAnswer: (a) => exclusive(() => w.answer.run(a.workspaceId, a.tokenId, a.surveyId, a.questionId, a.profileId, a.answer, a.messageId, a.answeredAt).changes === 1),
    answersOf: async (workspaceId, profileIds) => (r.answers.all(workspaceId, JSON.stringify(profileIds)) as AnswerRow[]).map(toAnswer),
    answerCounts: async (workspaceId, surveyId) => r.counts.all(workspaceId, surveyId) as AnswerCount[],
    purgeAnswers: (workspaceId, before) => exclusive(() => w.purgeAnswers.run(workspaceId, before).changes),
  };
}
