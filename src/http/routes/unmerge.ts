/**
 * Undoing a wrong merge (admin key): POST /v1/profiles/{id}/unmerge with the merged profile to
 * restore, and the later merges that depend on it when they are to be undone together
 * (identity/unmerge.ts). Audited as `profile.unmerge`.
 *
 *   { "mergedProfileId": "p_…", "including": ["p_…"] }
 *
 * 200: what each undo moved; 404: no such profile or merge; 409: undone already, or later merges
 * depend on it (each named in an issue on `including`); 400: every bad field named.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TesseraError, type FieldIssue } from '../../core/errors.js';
import type { UndoneMerge, UnmergeRequest } from '../../identity/unmerge.js';
import type { Store } from '../../ports/store.js';
import type { KeyResolver } from '../auth.js';
import { NO_CONTROL_CHARACTERS, profileIdParams } from '../schemas/query.js';
import { json, routeSchema } from '../schemas/route-docs.js';
import { NUL_ALLOWED } from '../schemas/validator.js';

export interface UnmergeRouteDeps {
  store: Store;
  keys: KeyResolver;
  unmerge: (request: UnmergeRequest) => Promise<UndoneMerge[]>;
  now: () => number;
}

const MAX_ID = 512;
const MAX_INCLUDED = 100;

const profileId = { type: 'string', minLength: 1, maxLength: MAX_ID, pattern: NO_CONTROL_CHARACTERS } as const;
/**
 * Documents the body; parseUnmergeBody validates it. It refuses every control character (NUL included) in each id
 * and names every failing field at once, so the schema's NUL pre-check (validator.ts) is left out: it would answer
 * the NUL alone and hide the other bad fields. Unknown fields, NUL in their names included, are refused by name.
 */
const unmergeBody = {
  [NUL_ALLOWED]: true,
  type: 'object',
  properties: {
    mergedProfileId: { ...profileId, description: 'The profile merged away into this one, to restore.' },
    including: { type: 'array', maxItems: MAX_INCLUDED, uniqueItems: true, items: profileId, description: 'Later merges that depend on this one, undone together with it (a 409 names each when they are missing).' },
  },
  required: ['mergedProfileId'],
  additionalProperties: false,
} as const;
const count = { type: 'integer', minimum: 0 } as const;
const schema = routeSchema({
  summary: 'Undo a wrong merge: restore the merged profile with its identities and events (audited)', tags: ['Profiles'], auth: 'adminKey',
  params: profileIdParams, body: unmergeBody,
  response: {
    200: json({
      profileId: { type: 'string' },
      undone: {
        type: 'array', description: 'What each undo moved, in the order done.',
        items: json({ survivorId: { type: 'string' }, restoredProfileId: { type: 'string' }, identities: count, removedIdentities: count, events: count }, ['survivorId', 'restoredProfileId', 'identities', 'removedIdentities', 'events']),
      },
    }, ['profileId', 'undone']),
  },
});

export function registerUnmergeRoutes(app: FastifyInstance, deps: UnmergeRouteDeps): void {
  app.post('/v1/profiles/:id/unmerge', { schema }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { workspaceId, keyId } = await deps.keys.admin(request);
    const body = parseUnmergeBody(request.body);
    const profileId = await deps.store.profiles.resolve(workspaceId, request.params.id);
    if (!profileId) throw new TesseraError('not_found', { message: `No profile is known by "${request.params.id}".` });
    const undone = await deps.unmerge({ workspaceId, profileId, mergedProfileId: body.mergedProfileId, including: body.including, actor: keyId });
    await deps.store.privacy.audit({
      workspaceId, at: deps.now(), actor: keyId, action: 'profile.unmerge', subject: profileId,
      details: { restored: undone.map((u) => ({ survivorId: u.survivorId, restoredProfileId: u.restoredId })) },
    });
    return {
      profileId,
      undone: undone.map((u) => ({ survivorId: u.survivorId, restoredProfileId: u.restoredId, identities: u.identities, removedIdentities: u.removedIdentities, events: u.events })),
    };
  });
}

/** Profile ids are printable text: a control character cannot be part of one. */
const CONTROL = /[\u0000-\u001f\u007f]/;

function idIssue(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a profile id (text)';
  if (value.length === 0 || value.length > MAX_ID) return `must be 1 to ${MAX_ID} characters`;
  if (CONTROL.test(value)) return 'must not contain control characters';
  return undefined;
}

export function parseUnmergeBody(body: unknown): { mergedProfileId: string; including: string[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new TesseraError('invalid_body', { issues: [{ field: 'body', reason: 'must be an object such as {"mergedProfileId": "p_…"}' }] });
  }
  const { mergedProfileId, including, ...rest } = body as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  const merged = mergedProfileId === undefined ? 'is required: the id of the profile merged away' : idIssue(mergedProfileId);
  if (merged) issues.push({ field: 'mergedProfileId', reason: merged });
  if (including !== undefined) {
    if (!Array.isArray(including)) issues.push({ field: 'including', reason: 'must be a list of merged profile ids' });
    else if (including.length > MAX_INCLUDED) issues.push({ field: 'including', reason: `must list at most ${MAX_INCLUDED} profiles` });
    else {
      including.forEach((id, i) => {
        const problem = idIssue(id);
        if (problem) issues.push({ field: `including[${i}]`, reason: problem });
        else if (including.indexOf(id) !== i) issues.push({ field: `including[${i}]`, reason: 'is listed twice' });
        else if (id === mergedProfileId) issues.push({ field: `including[${i}]`, reason: 'is the merge being undone' });
      });
    }
  }
  for (const key of Object.keys(rest)) issues.push({ field: key, reason: 'is not a field of an unmerge (mergedProfileId, including)' });
  if (issues.length > 0) throw new TesseraError('invalid_body', { issues });
  return { mergedProfileId: mergedProfileId as string, including: (including as string[] | undefined) ?? [] };
}
