/**
 * The storage contract: one suite of node:test tests that every Store must pass, run unchanged
 * against each store (test/storage/<store>.contract.test.ts). It uses real stores only; the store
 * under test is opened once per run and every test works in a workspace of its own.
 *
 * Test-only code: it imports node:test, so it is not part of the build.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deadLetterContract } from './dead-letter-contract.js';
import { decisionContract } from './decision-contract.js';
import { slotReportContract } from './slot-report-contract.js';
import { concurrencyContract } from './concurrency-contract.js';
import type { OpenFreshStore, StoreSubject } from './contract-fixtures.js';
import { erasureContract } from './erasure-contract.js';
import { identityContract } from './identity-contract.js';
import { keyringContract } from './keyring-contract.js';
import { formContract } from './form-contract.js';
import { emailContract } from './email-contract.js';
import { privacyContract } from './privacy-contract.js';
import { searchContract } from './search-contract.js';
import { segmentContract } from './segment-contract.js';
import { segmentCountContract } from './segment-count-contract.js';
import { timelineContract } from './timeline-contract.js';
import { lifecycleMovesContract } from './lifecycle-moves-contract.js';
import { unmergeContract } from './unmerge-contract.js';
import { tokenUseContract } from './token-use-contract.js';
import { userContract } from './user-contract.js';
import { personaContract } from './persona-contract.js';
import { itemLearningContract, itemModelContract, recommendationContract } from './recommendation-contract.js';
import { recommendationRebuildContract } from './recommendation-rebuild-contract.js';
import { analyticsContract } from './analytics-contract.js';
import { hitContract } from './hit-contract.js';
import { audienceContract } from './audience-contract.js';
import { workspaceContract } from './workspace-contract.js';
import { webhookContract } from './webhook-contract.js';
import { experimentContract } from './experiment-contract.js';
import { experimentAggregatesContract } from './experiment-aggregates-contract.js';
import { experimentQuantileContract } from './experiment-quantile-contract.js';

export type { OpenFreshStore, StoreSubject } from './contract-fixtures.js';

export interface ContractOptions {
  /** node:test's skip: false to run, or the reason the suite cannot run here. */
  skip?: false | string;
}

export function runStoreContract(name: string, openFreshStore: OpenFreshStore, options: ContractOptions = {}): void {
  describe(`store contract: ${name}`, { skip: options.skip ?? false }, () => {
    let current: StoreSubject | undefined;
    const subject = () => {
      if (!current) throw new Error('the store under test is not open');
      return current;
    };
    before(async () => { current = await openFreshStore(); });
    after(async () => { await current?.destroy(); });

    test('answers ping', async () => {
      await subject().store.ping();
      assert.ok(['sqlite', 'postgres'].includes(subject().store.kind));
    });
    describe('workspaces and keys', () => workspaceContract(subject));
    describe('identity resolution and traits', () => identityContract(subject));
    describe('undoing merges', () => unmergeContract(subject));
    describe('events and timeline', () => timelineContract(subject));
    describe('lifecycle moves (stage funnel)', () => lifecycleMovesContract(subject));
    describe('search', () => searchContract(subject));
    describe('concurrency', () => concurrencyContract(subject));
    describe('privacy: settings, consent ledger, counters, audit log', () => privacyContract(subject));
    describe('privacy: erasure and retention', () => erasureContract(subject));
    describe('segments: definitions, memberships, scheduler', () => segmentContract(subject));
    describe('segments: the member count kept per segment equals the membership rows', () => segmentCountContract(subject));
    describe('personalization: slots, decision settings, exposure counters', () => decisionContract(subject));
    describe('personalization: slot reports counted at ingest, no person ids', () => slotReportContract(subject));
    describe('scoring configuration, webhooks and the delivery outbox', () => webhookContract(subject));
    describe('email links: signing keyring', () => keyringContract(subject));
    describe('forms: definitions, counters, declined fields', () => formContract(subject));
    describe('email links: settings, lists, subscriptions, surveys, answers', () => emailContract(subject));
    describe('email links: uses of single-use tokens', () => tokenUseContract(subject));
    describe('dead letters: kept, paged, retried, found and erased by identifier', () => deadLetterContract(subject));
    describe('experiments: definitions, sticky assignments through merges, erasure, conversion counts', () => experimentContract(subject));
    describe('experiments: aggregates kept at ingest equal a recomputation over raw events', () => experimentAggregatesContract(subject));
    describe('experiments: quantile metrics kept as histograms at ingest and by a recompute', () => experimentQuantileContract(subject));
    describe('personas: models of aggregates, versions, labels, no identifiers', () => personaContract(subject));
    describe('users: accounts, lock-out counters, sessions, one-time sign-in tokens', () => userContract(subject));
    describe('recommendations: the item catalogue', () => recommendationContract(subject));
    describe('recommendations: items learned from events', () => itemLearningContract(subject));
    describe('recommendations: co-occurrence, popularity, recent history', () => itemModelContract(subject));
    describe('recommendations: a rebuild from stored events, resumed after an interruption', () => recommendationRebuildContract(subject));
    describe('analytics: hourly rollups, visitor sketches, open visits', () => analyticsContract(subject));
    describe('analytics: funnel steps and retention read from events through their hit keys', () => hitContract(subject));
    describe('audiences: definitions and export state, erased with the person', () => audienceContract(subject));
  });
}
