/**
 * Uses of single-use link tokens (issue 13): the first use of a token claims it for one holder
 * (a device's anonymous id); every later use finds that claim and is answered by the caller's
 * policy (links/token-uses.ts). Store.tokenUses.
 *
 * A row names a person (the profile id and the device's anonymous id): erasure deletes the
 * person's rows (PrivacyStore.erase) and the export lists them. A row is kept until `keepUntil`
 * (the token's expiry plus a margin for clocks that differ between servers): after that the token
 * no longer verifies anywhere, so the row has nothing left to refuse and is deleted.
 */
import type { JsonObject } from '../core/events/event.js';
import type { EpochMs } from '../core/time.js';

export interface TokenUse {
  workspaceId: string;
  /** The token's own id (TokenClaims.id): one use per token. */
  tokenId: string;
  /** The token's purpose (TokenPurpose). */
  purpose: string;
  /** What the token is bound to from its first use on: the device's anonymous id. */
  holder: string;
  /** The profile the token named at its first use. */
  profileId: string;
  /** What the first use produced, to answer a repeat by the same holder the same way (ids only). */
  outcome: JsonObject;
  usedAt: EpochMs;
  keepUntil: EpochMs;
}

export type TokenClaim = { first: true } | { first: false; use: TokenUse };

export interface TokenUseStore {
  /**
   * Claims a token: stores `use` and answers `{ first: true }` when no use of (workspaceId,
   * tokenId) is stored; otherwise writes nothing and answers the stored first use. Atomic across
   * servers: of concurrent claims of one token exactly one is first. Deletes, in the same
   * transaction, every use (of any workspace) whose `keepUntil` is before `use.usedAt`, so the
   * table holds only the uses of tokens that may still verify.
   */
  claim(use: TokenUse): Promise<TokenClaim>;
  /** The person's uses (any of `profileIds`), oldest first (for the export). */
  usesOf(workspaceId: string, profileIds: readonly string[]): Promise<TokenUse[]>;
  /** Deletes every use whose `keepUntil` is before `before`; returns how many. */
  purgeExpired(before: EpochMs): Promise<number>;
}
