/**
 * Small readers shared by the HTTP and end-to-end tests: the error envelope every 4xx must have,
 * a profile and its whole timeline through the admin API.
 */
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { TesseraUnderTest } from '../support/tessera-under-test.js';

export interface ErrorBody {
  error: { code: string; message: string; issues?: Array<{ field: string; reason: string }> };
}

/** Asserts the answer is `status` with the JSON error envelope, and returns the envelope. */
export function assertError(res: LightMyRequestResponse, status: number, code?: string): ErrorBody['error'] {
  assert.equal(res.statusCode, status, `expected ${status}, got ${res.statusCode}: ${res.body}`);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body = JSON.parse(res.body) as ErrorBody;
  assert.equal(typeof body.error?.code, 'string', res.body);
  assert.ok(body.error.message.length > 0, res.body);
  if (code !== undefined) assert.equal(body.error.code, code, res.body);
  if (body.error.issues !== undefined) {
    for (const issue of body.error.issues) {
      assert.equal(typeof issue.field, 'string');
      assert.ok(issue.reason.length > 0);
    }
  }
  return body.error;
}

/** Asserts one issue names `field` and its reason matches `reason`. */
export function assertIssue(error: ErrorBody['error'], field: string, reason: RegExp): void {
  const issue = error.issues?.find((i) => i.field === field);
  assert.ok(issue, `no issue names ${field}: ${JSON.stringify(error)}`);
  assert.match(issue.reason, reason);
}

export function assertAccepted(res: LightMyRequestResponse): void {
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(JSON.parse(res.body), { success: true });
}

// The views are plain JSON; tests read them loosely typed.
export type Json = any;

export async function profileOf(t: TesseraUnderTest, id: string): Promise<Json> {
  const res = await t.admin(`/v1/profiles/${encodeURIComponent(id)}`);
  assert.equal(res.statusCode, 200, res.body);
  return JSON.parse(res.body);
}

/** Every timeline entry of a profile, newest first, walking the cursor pages. */
export async function timelineOf(t: TesseraUnderTest, id: string, limit = 1000): Promise<Json[]> {
  const events: Json[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await t.admin(`/v1/profiles/${encodeURIComponent(id)}/events?${query}`);
    assert.equal(res.statusCode, 200, res.body);
    const page = JSON.parse(res.body) as { events: Json[]; nextCursor: string | null };
    events.push(...page.events);
    cursor = page.nextCursor;
  } while (cursor);
  return events;
}
