/**
 * Request bodies whose shape is a zod schema of the domain (src/core), as JSON Schema for the route
 * options and the OpenAPI document: generated with zod's `z.toJSONSchema`, never written twice.
 * Rules zod checks in code (refinements) are not expressible here; the domain parser applies them
 * (and names every failing field), the document shows the shape.
 */
import { z } from 'zod';
import { formInputSchema } from '../../core/forms/form-definition.js';
import { emailListInputSchema } from '../../core/links/email-list.js';
import { surveyInputSchema } from '../../core/links/survey.js';
import { lifecycleConfigInputSchema } from '../../core/lifecycle/lifecycle-config.js';
import { consentInputSchema } from '../../core/privacy/consent-event.js';
import { privacySettingsInputSchema } from '../../core/privacy/privacy-settings.js';
import { scoringConfigInputSchema } from '../../core/scoring/scoring-config.js';
import { webhookInputSchema } from '../../core/webhooks/webhook.js';

/**
 * Shared schemas the bodies refer to (a recursive condition), registered with `app.addSchema`:
 * zod puts them in `$defs`, whose `#/$defs/…` references would point into the document's root.
 */
export const SHARED_BODY_SCHEMAS: Array<Record<string, unknown>> = [];

/** The JSON Schema of what a client sends (`io: 'input'`: defaults make fields optional). */
export function jsonSchemaOf(schema: z.ZodType, name: string, description?: string): Record<string, unknown> {
  const generated = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema: _dialect, $defs: defs, ...rest } = generated;
  const ids = new Map(Object.keys((defs ?? {}) as object).map((key, i) => [`#/$defs/${key}`, `${name}Part${i + 1}#`]));
  const relink = (value: unknown): unknown => JSON.parse(JSON.stringify(value), (key, v: unknown) => (key === '$ref' && typeof v === 'string' ? ids.get(v) ?? v : v));
  for (const [key, def] of Object.entries((defs ?? {}) as Record<string, unknown>)) {
    SHARED_BODY_SCHEMAS.push({ ...(relink(def) as object), $id: ids.get(`#/$defs/${key}`)!.slice(0, -1) });
  }
  return { ...(relink(rest) as object), ...(description ? { description } : {}) };
}

export const BODIES = {
  form: jsonSchemaOf(formInputSchema, 'Form', 'A form definition (`id` is optional on POST and comes from the URL on PUT).'),
  emailList: jsonSchemaOf(emailListInputSchema, 'EmailList', 'An email list.'),
  survey: jsonSchemaOf(surveyInputSchema, 'Survey', 'A micro-survey.'),
  lifecycle: jsonSchemaOf(lifecycleConfigInputSchema, 'LifecycleConfig', 'The lifecycle configuration: stages and the rules that move profiles.'),
  consent: jsonSchemaOf(consentInputSchema, 'Consent', 'A consent decision per purpose, with the wording shown.'),
  privacySettings: jsonSchemaOf(privacySettingsInputSchema, 'PrivacySettings', 'Purposes and the data schema (fields not sent keep their value).'),
  scoring: jsonSchemaOf(scoringConfigInputSchema, 'ScoringConfig', 'The scoring configuration: engagement and fit rules.'),
  webhook: jsonSchemaOf(webhookInputSchema, 'Webhook', 'A webhook: its URL, the events it receives and optional narrowing (PUT: fields not sent keep their value; null clears a narrowing).'),
};
