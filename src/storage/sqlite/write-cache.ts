/**
 * The embedded store's cache of identity owners and live profiles, so that ingest does not read and
 * parse the same profiles in every transaction. Correctness rules:
 * - A transaction works on the cached objects directly; what it changed becomes the cached state
 *   only when it commits. On rollback every profile it touched is evicted (its in-memory copy may
 *   hold uncommitted changes) and its owner changes are dropped.
 * - Another process writing the same file (a CLI import while the server runs) is noticed through
 *   SQLite's `data_version`, which changes when another connection commits: the cache is then
 *   cleared before the next transaction reads anything.
 * - Bounded: beyond `maxProfiles` the oldest entries go (Map insertion order, refreshed on use).
 */
import { identityKeyString, type IdentityKey } from '../../core/identity/identity-key.js';
import type { Profile } from '../../core/profiles/profile.js';

export class WriteCache {
  private readonly owners = new Map<string, string>();
  private readonly profiles = new Map<string, Profile>();
  private pendingOwners = new Map<string, string>();
  private readonly touched = new Set<string>();

  constructor(private readonly maxProfiles: number) {}

  private ownerKey(workspaceId: string, key: IdentityKey): string {
    return `${workspaceId}\u0000${identityKeyString(key)}`;
  }

  owner(workspaceId: string, key: IdentityKey): string | undefined {
    const k = this.ownerKey(workspaceId, key);
    return this.pendingOwners.get(k) ?? this.owners.get(k);
  }

  /** A profile for update inside the current transaction. */
  profile(id: string): Profile | undefined {
    const p = this.profiles.get(id);
    if (p) {
      this.profiles.delete(id);
      this.profiles.set(id, p);
      this.touched.add(id);
    }
    return p;
  }

  /** Remember a profile loaded from the database by the current transaction. */
  loaded(profile: Profile): void {
    this.profiles.set(profile.id, profile);
    this.touched.add(profile.id);
  }

  setOwner(workspaceId: string, key: IdentityKey, profileId: string): void {
    this.pendingOwners.set(this.ownerKey(workspaceId, key), profileId);
  }

  /** The identity no longer has an owner (an undone merge removed it): read it from the database next time. */
  forgetOwner(workspaceId: string, key: IdentityKey): void {
    const k = this.ownerKey(workspaceId, key);
    this.pendingOwners.delete(k);
    this.owners.delete(k);
  }

  /** Saved by the current transaction (new or updated). */
  saved(profile: Profile): void {
    this.profiles.set(profile.id, profile);
    this.touched.add(profile.id);
  }

  retired(profileId: string): void {
    this.profiles.delete(profileId);
  }

  commit(): void {
    for (const [k, v] of this.pendingOwners) this.owners.set(k, v);
    this.pendingOwners = new Map();
    this.touched.clear();
    this.trim();
  }

  rollback(): void {
    for (const id of this.touched) this.profiles.delete(id);
    this.touched.clear();
    this.pendingOwners = new Map();
  }

  clear(): void {
    this.owners.clear();
    this.profiles.clear();
    this.pendingOwners = new Map();
    this.touched.clear();
  }

  private trim(): void {
    const ownerLimit = this.maxProfiles * 4;
    for (const map of [this.profiles, this.owners] as Array<Map<string, unknown>>) {
      const limit = map === this.profiles ? this.maxProfiles : ownerLimit;
      if (map.size <= limit) continue;
      let excess = map.size - limit;
      for (const key of map.keys()) {
        if (excess-- <= 0) break;
        map.delete(key);
      }
    }
  }
}
