/**
 * Webhooks: a URL that receives signed POSTs when profiles enter or leave segments or move to
 * another lifecycle stage. The event filter names change kinds (`segment.entered`,
 * `segment.exited`, `lifecycle.changed`), optionally narrowed to some segments or stages, or
 * experiment announcements (`experiment.concluded`, `experiment.guardrail_breached`,
 * `experiment.srm_detected`: core/webhooks/experiment-payload.ts), which name no person.
 */
import { z } from 'zod';
import type { FieldIssue } from '../errors.js';
import type { ProfileChange } from '../profiles/profile-change.js';
import { issuePath } from '../scoring/filters.js';
import type { EpochMs } from '../time.js';
import type { WebhookTargetPolicy } from './webhook-target.js';
import { EXPERIMENT_WEBHOOK_EVENTS } from './experiment-payload.js';

export const WEBHOOK_EVENTS = ['segment.entered', 'segment.exited', 'lifecycle.changed', ...EXPERIMENT_WEBHOOK_EVENTS] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface Webhook {
  id: string;
  workspaceId: string;
  url: string;
  /** Signs payloads; shown once, when the webhook is created. */
  secret: string;
  description: string;
  events: WebhookEvent[];
  /** Only these segment ids (segment events); absent: all. */
  segmentIds?: string[];
  /** Only moves to these stages (lifecycle events); absent: all. */
  stages?: string[];
  active: boolean;
  /**
   * Set when the receiver sends the person a message (an email): deliveries then obey the
   * workspace's timing policy for messages (core/decisions/message-timing.ts) and count as the
   * person's exposures, under the global cap and these campaign tags (lower-case). Absent: not a
   * message, sent at once.
   */
  message?: WebhookMessage;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

export interface WebhookMessage {
  tags: string[];
}

export type WebhookInput = Pick<Webhook, 'url' | 'description' | 'events' | 'active'> & Pick<Partial<Webhook>, 'segmentIds' | 'stages' | 'message'>;

/** A campaign tag, as slots name them (lower-cased when stored). */
const MESSAGE_TAG = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const inputSchema = z.object({
  url: z.string().max(2048).refine((u) => {
    try {
      const url = new URL(u);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
    } catch { return false; }
  }, 'must be an http(s) URL without credentials'),
  description: z.string().max(500).default(''),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length),
  segmentIds: z.array(z.string().min(1).max(200)).min(1).max(1000).optional(),
  stages: z.array(z.string().min(1).max(64)).min(1).max(100).optional(),
  active: z.boolean().default(true),
  // null on an update: no longer a message.
  message: z.object({ tags: z.array(z.string().regex(MESSAGE_TAG, 'must be a campaign tag (letters, digits, - and _, at most 64)')).max(20).default([]) }).strict().nullable().optional(),
}).strict();

export type ParsedWebhook = { ok: true; input: WebhookInput } | { ok: false; issues: FieldIssue[] };

/**
 * Validates a new webhook, or an update merged over `current`. A new URL must also be a target
 * that `targets` allows (no internal addresses: core/webhooks/webhook-target.ts); every failing
 * field is reported.
 */
export function parseWebhookInput(body: unknown, options: { targets: WebhookTargetPolicy; current?: WebhookInput }): ParsedWebhook {
  const { current, targets } = options;
  const merged = current && typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...current, ...(body as object) } : body;
  const parsed = inputSchema.safeParse(merged);
  const issues: FieldIssue[] = parsed.success ? [] : parsed.error.issues.map((i) => ({ field: issuePath(i.path), reason: i.message }));
  const url = (merged as { url?: unknown } | null | undefined)?.url;
  // An update that keeps the URL is not refused for it (a webhook stored before the check, or
  // before the operator narrowed the allow-list, can still be paused or deleted); the delivery
  // worker refuses to send to it all the same.
  const urlToCheck = typeof url === 'string' && url !== current?.url && !issues.some((i) => i.field === 'url');
  const refused = urlToCheck ? targets.checkUrl(url) : null;
  if (refused) issues.push({ field: 'url', reason: refused });
  // A message goes to a person; experiment announcements name no one (experiment-payload.ts).
  const m = merged as { message?: unknown; events?: unknown } | null | undefined;
  if (m?.message && Array.isArray(m.events) && m.events.some((e) => (EXPERIMENT_WEBHOOK_EVENTS as readonly unknown[]).includes(e))) issues.push({ field: 'events', reason: 'experiment events name no person and cannot be sent by a message webhook; use a webhook without message' });
  if (!parsed.success || issues.length > 0) return { ok: false, issues };
  const d = parsed.data;
  return {
    ok: true,
    input: { url: d.url, description: d.description, events: [...new Set(d.events)], active: d.active, ...(d.segmentIds ? { segmentIds: d.segmentIds } : {}), ...(d.stages ? { stages: d.stages } : {}),
      ...(d.message ? { message: { tags: [...new Set(d.message.tags.map((t) => t.toLowerCase()))] } } : {}) },
  };
}

export function wantsChange(webhook: Webhook, change: ProfileChange): boolean {
  if (!webhook.active || !webhook.events.includes(change.kind)) return false;
  if (change.kind === 'lifecycle.changed') return !webhook.stages || webhook.stages.includes(change.to);
  return !webhook.segmentIds || webhook.segmentIds.includes(change.segmentId);
}

/** The input shape, for the API reference (src/http/schemas/bodies.ts generates its JSON Schema). */
export const webhookInputSchema = inputSchema;
