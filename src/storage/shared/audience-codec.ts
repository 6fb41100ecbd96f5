/** The stored form of an audience definition (both stores): the definition without its keys and times. */
import { randomUUID } from 'node:crypto';
import type { Audience } from '../../core/audiences/audience.js';

export type StoredAudience = Omit<Audience, 'workspaceId' | 'id' | 'createdAt' | 'updatedAt'>;

export function audienceDocument(a: Audience): StoredAudience {
  return { name: a.name, source: a.source, ...(a.visitedWithinDays !== undefined ? { visitedWithinDays: a.visitedWithinDays } : {}), purpose: a.purpose, defaultCountry: a.defaultCountry };
}

export function audienceFromRow(r: { workspace_id: string; id: string; created_at: number | string; updated_at: number | string }, d: StoredAudience): Audience {
  return { ...d, workspaceId: r.workspace_id, id: r.id, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at) };
}

/**
 * The key an erased person's audience rows are kept under until the next export sends them as
 * removes (ports/audience-store.ts): random, so it links to no profile, and never a profile id
 * (those start with `prf_`).
 */
export function erasedMemberKey(): string {
  return `erased:${randomUUID()}`;
}
