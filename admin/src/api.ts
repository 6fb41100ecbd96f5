/**
 * The one way the app talks to Tessera: same-origin fetch with the session cookie, the CSRF header
 * on every state-changing request, and the error envelope turned into an ApiError whose issues name
 * the failing fields. A 401 means the session ended (idle or absolute timeout, signed out elsewhere):
 * the listener registered by the app sends the person to the sign-in screen, keeping the route.
 */
import type { ErrorEnvelope } from './api-types.js';

export interface FieldIssue { field: string; reason: string }

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly issues: FieldIssue[] = []) {
    super(message);
  }
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string | null): void { csrfToken = token; }
/** Called on a 401 from any request but the session's own. */
export function whenUnauthorized(listener: (() => void) | null): void { onUnauthorized = listener; }

type Query = Record<string, string | number | undefined | null>;

export function apiUrl(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function api<T>(method: string, path: string, options: { body?: unknown; query?: Query; quiet401?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method, headers, credentials: 'same-origin',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'network', 'Tessera cannot be reached.');
  }
  const text = await response.text();
  let parsed: unknown = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
  if (!response.ok) {
    const envelope = (parsed as ErrorEnvelope | null)?.error;
    if (response.status === 401 && !options.quiet401) onUnauthorized?.();
    throw new ApiError(response.status, envelope?.code ?? 'http_error', envelope?.message ?? `HTTP ${response.status}`, envelope?.issues ?? []);
  }
  return parsed as T;
}

export const get = <T>(path: string, query?: Query) => api<T>('GET', path, query ? { query } : {});
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body === undefined ? {} : { body });
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, { body });
export const del = <T>(path: string) => api<T>('DELETE', path);
