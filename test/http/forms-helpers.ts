/** Requests of the forms tests: the admin API with the admin key, the browser API with the write key. */
import type { LightMyRequestResponse } from 'fastify';
import { ADMIN_KEY, WRITE_KEY, basicAuth, type TesseraUnderTest } from '../support/tessera-under-test.js';
import type { Json } from './api-helpers.js';

export const adminSend = (t: TesseraUnderTest, method: 'POST' | 'PUT' | 'DELETE' | 'GET', url: string, body?: unknown): Promise<LightMyRequestResponse> =>
  t.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });

export async function render(t: TesseraUnderTest, formId: string, query: Record<string, string>, recognition?: string): Promise<LightMyRequestResponse> {
  return t.inject({
    method: 'GET', url: `/v1/forms/${formId}/render?${new URLSearchParams(query)}`,
    headers: { authorization: basicAuth(WRITE_KEY), ...(recognition ? { 'x-tessera-recognition': recognition } : {}) },
  });
}

export async function renderOk(t: TesseraUnderTest, formId: string, query: Record<string, string>, recognition?: string): Promise<Json> {
  const res = await render(t, formId, query, recognition);
  if (res.statusCode !== 200) throw new Error(`render answered ${res.statusCode}: ${res.body}`);
  return JSON.parse(res.body);
}

export const submit = (t: TesseraUnderTest, formId: string, body: unknown) => t.collect(`/v1/forms/${formId}/submit`, body);

export async function submitOk(t: TesseraUnderTest, formId: string, body: unknown): Promise<Json> {
  const res = await submit(t, formId, body);
  if (res.statusCode !== 200) throw new Error(`submit answered ${res.statusCode}: ${res.body}`);
  return JSON.parse(res.body);
}

export const keysOf = (view: Json): string[] => view.fields.map((f: Json) => f.key);
