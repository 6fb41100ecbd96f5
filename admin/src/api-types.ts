/**
 * The shapes the admin app reads, taken from the server's own presenters (type-only imports:
 * nothing of the server's runtime reaches the bundle; .dependency-cruiser.cjs checks it). When a
 * presenter changes, this file — and every screen that reads the changed field — stops compiling.
 */
import type { eventView, profileView } from '../../src/http/presenters/profile-view.js';
import type { segmentView } from '../../src/http/presenters/segment-view.js';
import type { deliveryView, webhookView } from '../../src/http/presenters/lead-scoring-view.js';
import type { Role as ServerRole } from '../../src/core/access/roles.js';

export type ProfileView = ReturnType<typeof profileView>;
export type EventView = ReturnType<typeof eventView>;
export type SegmentView = ReturnType<typeof segmentView>;
export type WebhookView = ReturnType<typeof webhookView>;
export type DeliveryView = ReturnType<typeof deliveryView>;

/** GET /v1/profiles/{id}: the profile with its merges and current segments. */
export type PersonView = ProfileView & {
  merges?: NonNullable<ReturnType<typeof profileView>['merges']>;
  segments: Array<{ id: string; name: string; since: string | null; reason: string }>;
  computedTraits: Record<string, unknown>;
};

export interface Page<T> { items: T[]; nextCursor: string | null }

/** The error envelope every route answers with (docs/api.md). */
export interface ErrorEnvelope {
  error: { code: string; message: string; issues?: Array<{ field: string; reason: string }> };
}

/** The session and users API (docs/admin.md). */
export type Role = ServerRole;
/**
 * As the answers of src/http/routes/session.ts and users.ts (presentSessionUser, presentUser). Not
 * imported from there: those files carry Fastify's route typings, which the browser build lacks.
 */
export interface SessionUser { id: string; email: string; name: string; role: Role }
export interface Session {
  user: SessionUser;
  csrfToken: string;
  /** Per API surface (tag of the API reference): may the role read it, change it. */
  access: Record<string, { read: boolean; change: boolean }>;
}
export interface UserView extends SessionUser {
  disabled: boolean; hasPassword: boolean; lockedUntil: string | null; lastSignInAt: string | null; createdAt: string; updatedAt: string;
}
