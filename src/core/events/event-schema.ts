/**
 * JSON Schemas of the Segment event types (https://segment.com/docs/connections/spec/), compiled
 * once with Ajv. They check shape only; rules that need configuration (which ids are usable) live in
 * validate-event.ts. Unknown top-level fields are allowed, as in the spec (`channel`, `version`, …).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { EventType } from './event.js';
import { EVENT_LIMITS } from './limits.js';

const id = { type: ['string', 'number'], maxLength: EVENT_LIMITS.maxIdLength };
/** userId and anonymousId may be null: analytics libraries send `"userId": null` for a visitor not yet identified. */
const optionalId = { type: ['string', 'number', 'null'], maxLength: EVENT_LIMITS.maxIdLength };
const time = { type: 'string', maxLength: 64 };
const object = { type: 'object' };
const name = { type: ['string', 'null'], maxLength: EVENT_LIMITS.maxNameLength };

const common = {
  type: { type: 'string' },
  messageId: { type: 'string', minLength: 1, maxLength: EVENT_LIMITS.maxIdLength },
  anonymousId: optionalId,
  userId: optionalId,
  timestamp: time,
  originalTimestamp: time,
  sentAt: time,
  context: object,
  integrations: object,
  properties: object,
  traits: object,
};

const extra: Record<EventType, { properties: Record<string, unknown>; required: string[] }> = {
  track: { properties: { event: { type: 'string', minLength: 1, maxLength: EVENT_LIMITS.maxNameLength } }, required: ['event'] },
  identify: { properties: {}, required: [] },
  page: { properties: { name, category: name }, required: [] },
  screen: { properties: { name, category: name }, required: [] },
  group: { properties: { groupId: id }, required: ['groupId'] },
  alias: { properties: { previousId: id }, required: ['previousId', 'userId'] },
};

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });

export const eventValidators: Readonly<Record<EventType, ValidateFunction>> = Object.fromEntries(
  Object.entries(extra).map(([type, spec]) => [
    type,
    ajv.compile({ type: 'object', properties: { ...common, ...spec.properties }, required: spec.required }),
  ]),
) as Record<EventType, ValidateFunction>;

/** The fields every type shares, for an item whose type is missing or unknown (its other problems are still reported). */
export const commonValidator: ValidateFunction = ajv.compile({ type: 'object', properties: common });

/** Turns an Ajv error into a field path and a sentence a developer can act on. */
export function describeSchemaError(error: ErrorObject): { field: string; reason: string } {
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty: string }).missingProperty);
    return { field: path ? `${path}.${missing}` : missing, reason: 'is required' };
  }
  if (error.keyword === 'type') {
    return { field: path, reason: `must be ${String((error.params as { type: string | string[] }).type).replace(/,(?=[^,]*$)/, ' or ').replace(/,/g, ', ')}` };
  }
  return { field: path, reason: error.message ?? 'is invalid' };
}

/** The JSON Schema of one event type (the same parts the validators compile), for the API reference. */
export function eventJsonSchema(type: EventType): Record<string, unknown> {
  const spec = extra[type];
  return { type: 'object', properties: { ...common, ...spec.properties }, required: spec.required };
}
