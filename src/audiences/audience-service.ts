/**
 * Audiences as the API and the CLI manage them: validated definitions per workspace (a segment or
 * a persona, optionally visited within N days, with the advertising purpose), and their export
 * (export-audience.ts).
 */
import { randomBytes } from 'node:crypto';
import { validateAudienceInput, type Audience } from '../core/audiences/audience.js';
import { TesseraError } from '../core/errors.js';
import type { AudienceExportSummary } from '../ports/audience-store.js';
import type { Store } from '../ports/store.js';
import type { PrivacyContexts } from '../privacy/privacy-context.js';
import { conditionRefsOf } from '../segments/segment-service.js';
import { PLATFORMS } from '../core/audiences/normalise.js';

export interface AudienceServiceDeps { store: Store; privacy: PrivacyContexts; now: () => number }

export interface AudienceRecord { audience: Audience; lastExports: Partial<Record<(typeof PLATFORMS)[number], AudienceExportSummary>> }

const MAX_AUDIENCES = 500;

export function createAudienceService(deps: AudienceServiceDeps) {
  const { store } = deps;
  const checked = async (workspaceId: string, body: unknown, idAllowed: boolean) => {
    const result = validateAudienceInput(body, await conditionRefsOf(deps, workspaceId), { idAllowed });
    if (!result.ok) throw new TesseraError('invalid_body', { issues: result.issues });
    return result.audience;
  };
  const record = async (audience: Audience): Promise<AudienceRecord> => {
    const lastExports: AudienceRecord['lastExports'] = {};
    for (const format of PLATFORMS) {
      const last = await store.audiences.lastExport(audience.workspaceId, audience.id, format);
      if (last) lastExports[format] = last;
    }
    return { audience, lastExports };
  };
  const stored = async (workspaceId: string, id: string) => {
    const found = await store.audiences.get(workspaceId, id);
    if (!found) throw new TesseraError('not_found', { message: `No audience "${id}".` });
    return found;
  };
  return {
    async create(workspaceId: string, body: unknown): Promise<AudienceRecord> {
      const input = await checked(workspaceId, body, true);
      const id = input.id ?? `aud_${randomBytes(6).toString('hex')}`;
      if (await store.audiences.get(workspaceId, id)) throw new TesseraError('conflict', { message: `An audience "${id}" exists already.` });
      if ((await store.audiences.list(workspaceId)).length >= MAX_AUDIENCES) throw new TesseraError('conflict', { message: `A workspace has at most ${MAX_AUDIENCES} audiences.` });
      const now = deps.now();
      const { id: _ignored, ...rest } = input;
      const audience: Audience = { ...rest, id, workspaceId, createdAt: now, updatedAt: now };
      await store.audiences.put(audience);
      return { audience, lastExports: {} };
    },
    async update(workspaceId: string, id: string, body: unknown): Promise<AudienceRecord> {
      const current = await stored(workspaceId, id);
      const input = await checked(workspaceId, body, false);
      const audience: Audience = { ...input, id, workspaceId, createdAt: current.createdAt, updatedAt: deps.now() };
      await store.audiences.put(audience);
      return record(audience);
    },
    async get(workspaceId: string, id: string): Promise<AudienceRecord> {
      return record(await stored(workspaceId, id));
    },
    async list(workspaceId: string): Promise<AudienceRecord[]> {
      return Promise.all((await store.audiences.list(workspaceId)).map(record));
    },
    async remove(workspaceId: string, id: string): Promise<void> {
      if (!(await store.audiences.delete(workspaceId, id))) throw new TesseraError('not_found', { message: `No audience "${id}".` });
    },
    stored,
  };
}

export type AudienceService = ReturnType<typeof createAudienceService>;
