/**
 * Small readers and writers for the privacy tests: the workspace's privacy settings, consent
 * requests, a person's consent ledger, the privacy report and the audit log, all through the HTTP
 * API with the test keys. Everything here goes through the real app and the real store.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { hashKey } from '../../src/workspaces/api-keys.js';
import { ADMIN_KEY, basicAuth, WRITE_KEY, type TesseraUnderTest } from '../support/tessera-under-test.js';
import type { Json } from '../http/api-helpers.js';

export const DAY_MS = 24 * 60 * 60 * 1000;

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** An ISO time `days` days before now (now: the real clock; the app under test uses it too). */
export const daysAgo = (days: number, from = Date.now()) => new Date(from - days * DAY_MS).toISOString();

export const adminHeaders = { authorization: `Bearer ${ADMIN_KEY}` };

export function json(res: LightMyRequestResponse, status = 200): Json {
  assert.equal(res.statusCode, status, `expected ${status}, got ${res.statusCode}: ${res.body}`);
  return JSON.parse(res.body);
}

export async function settingsOf(t: TesseraUnderTest): Promise<Json> {
  return json(await t.admin('/v1/privacy/settings'));
}

/** PUT /v1/privacy/settings with the admin key; returns the raw answer (tests check errors too). */
export function putSettings(t: TesseraUnderTest, body: unknown): Promise<LightMyRequestResponse> {
  return t.inject({ method: 'PUT', url: '/v1/privacy/settings', payload: JSON.stringify(body), headers: { ...adminHeaders, 'content-type': 'application/json' } });
}

/** Changes the settings and asserts they were saved; `change` edits a copy of the current settings. */
export async function changeSettings(t: TesseraUnderTest, change: (settings: Json) => void): Promise<Json> {
  const settings = structuredClone(await settingsOf(t));
  change(settings);
  return json(await putSettings(t, settings));
}

/** Sets one purpose's legal basis (e.g. analytics on consent instead of legitimate interest). */
export function setLegalBasis(settings: Json, purpose: string, legalBasis: string): void {
  const p = settings.purposes.find((x: Json) => x.key === purpose);
  assert.ok(p, `no purpose ${purpose}`);
  p.legalBasis = legalBasis;
}

/** POST /v1/consent with the write key (HTTP Basic), from a chosen client address. */
export function postConsent(t: TesseraUnderTest, body: unknown, options: { headers?: Record<string, string>; remoteAddress?: string } = {}): Promise<LightMyRequestResponse> {
  return t.inject({
    method: 'POST', url: '/v1/consent', payload: JSON.stringify(body),
    headers: { 'content-type': 'application/json', authorization: basicAuth(WRITE_KEY), ...options.headers },
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
  });
}

/** The person's current consent per purpose and the ledger (oldest first). */
export async function consentOf(t: TesseraUnderTest, id: string): Promise<{ profileId: string; consent: Json; ledger: Json[] }> {
  return json(await t.admin(`/v1/profiles/${encodeURIComponent(id)}/consent`));
}

/** GET /v1/privacy/report `totals`: kind → name → count. */
export async function reportTotals(t: TesseraUnderTest): Promise<Record<string, Record<string, number>>> {
  return json(await t.admin('/v1/privacy/report')).totals;
}

export function countOf(totals: Record<string, Record<string, number>>, kind: string, name: string): number {
  return totals[kind]?.[name] ?? 0;
}

/** Every audit entry, newest first. */
export async function auditLog(t: TesseraUnderTest): Promise<Json[]> {
  const entries: Json[] = [];
  let cursor: string | null = null;
  do {
    const page: Json = json(await t.admin(`/v1/privacy/audit?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`));
    entries.push(...page.entries);
    cursor = page.nextCursor;
  } while (cursor);
  return entries;
}

/** The id of the test admin key: the actor audit entries must name. */
export async function adminKeyId(t: TesseraUnderTest): Promise<string> {
  const record = await t.tessera.store.workspaces.findKey('admin', hashKey(ADMIN_KEY));
  assert.ok(record);
  return record.id;
}

/** Asserts the profile is unknown by `id` (404 with the error envelope). */
export async function assertUnknown(t: TesseraUnderTest, id: string): Promise<void> {
  const res = await t.admin(`/v1/profiles/${encodeURIComponent(id)}`);
  assert.equal(res.statusCode, 404, `${id} still resolves: ${res.body}`);
}
