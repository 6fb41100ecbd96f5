/**
 * The email-links part of the storage port (issue 6): link settings, email lists and their
 * subscriptions, micro-survey definitions and answers. Store.emails.
 *
 * Subscriptions and answers are personal data: erasure deletes them with the person (PrivacyStore
 * .erase) and the export lists them. A profile merged into another keeps its rows under its old
 * id; readers pass every id of the person (the survivor and the profiles merged into it).
 */
import type { EmailList, ListSubscription } from '../core/links/email-list.js';
import type { Survey } from '../core/links/survey.js';
import type { EpochMs } from '../core/time.js';

export interface LinkSettings {
  /** Domains click redirects may go to (with their subdomains), besides the configured ones. */
  allowedDomains: string[];
  /** Extra CIDR ranges whose clicks and opens are machines' (a mail gateway, a scanner vendor). */
  scannerNetworks: string[];
}

export interface SurveyAnswer {
  workspaceId: string;
  /** The id of the answer token: one answer per token. */
  tokenId: string;
  surveyId: string;
  questionId: string;
  profileId: string;
  answer: string;
  /** The email the answer link was in. */
  messageId: string | null;
  answeredAt: EpochMs;
}

export interface AnswerCount {
  questionId: string;
  answer: string;
  count: number;
}

export interface EmailStore {
  /** The workspace's link settings; null when never saved (defaults apply). */
  getLinkSettings(workspaceId: string): Promise<LinkSettings | null>;
  putLinkSettings(workspaceId: string, settings: LinkSettings, at: EpochMs): Promise<void>;

  /** Creates or replaces a list's definition (createdAt kept on replace). */
  putList(workspaceId: string, list: EmailList, at: EpochMs): Promise<void>;
  getList(workspaceId: string, listId: string): Promise<EmailList | null>;
  /** Lists by id. */
  lists(workspaceId: string): Promise<EmailList[]>;

  /** Creates or replaces a survey's definition (createdAt kept on replace). */
  putSurvey(workspaceId: string, survey: Survey, at: EpochMs): Promise<void>;
  getSurvey(workspaceId: string, surveyId: string): Promise<Survey | null>;
  /** Surveys by id. */
  surveys(workspaceId: string): Promise<Survey[]>;
  /** Deletes a survey's definition (its answers stay, until erasure or retention); false when there was none. */
  deleteSurvey(workspaceId: string, surveyId: string): Promise<boolean>;

  /**
   * The subscription of a person (any of `profileIds`) to a list: the most recently updated row
   * when several of their merged profiles have one; null when none.
   */
  subscription(workspaceId: string, listId: string, profileIds: readonly string[]): Promise<ListSubscription | null>;
  /** Every subscription of the person (any of `profileIds`), by list id then updatedAt. */
  subscriptionsOf(workspaceId: string, profileIds: readonly string[]): Promise<ListSubscription[]>;
  /** Creates or replaces the row of (workspace, list, profile). */
  putSubscription(subscription: ListSubscription): Promise<void>;

  /** Stores an answer; false, writing nothing, when an answer with this token id exists already. */
  recordAnswer(answer: SurveyAnswer): Promise<boolean>;
  /** The person's answers (any of `profileIds`), oldest first. */
  answersOf(workspaceId: string, profileIds: readonly string[]): Promise<SurveyAnswer[]>;
  /**
   * How many people give each answer now, by question then answer (aggregates only): each
   * profile's latest answer to a question counts (by answeredAt, then token id); an answer the
   * person replaced does not.
   */
  answerCounts(workspaceId: string, surveyId: string): Promise<AnswerCount[]>;
  /** Retention: deletes the workspace's answers given before `before`; returns how many. */
  purgeAnswers(workspaceId: string, before: EpochMs): Promise<number>;
}

