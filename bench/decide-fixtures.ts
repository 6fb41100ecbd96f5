/**
 * The data of `npm run bench:decide`: N profiles (traits, an anonymous id, a lifecycle stage, page
 * categories read, consent, segment memberships), 5 trait segments (backfill marked done: the
 * memberships are seeded with the profiles) and 20 slots of 5–10 rules each (lifecycle, topic
 * reads, context, segments).
 *
 * Profiles are written through the store's own write transaction (`WriteTx.apply`, the path ingest
 * uses: same rows, same codec, both stores), in chunks of CHUNK, one transaction each. Profile i is
 * the same in every run (seeded per chunk), so generation resumes after the last whole chunk
 * (the live profile count says where) and a finished store is reused as it is: the store lives in
 * a cache folder (SQLite) or a kept database (PostgreSQL) named by the profile count.
 */
import { newProfile, type Profile } from '../src/core/profiles/profile.js';
import type { Store } from '../src/ports/store.js';
import { createRandom } from './random.js';

export const CHUNK = 2_000;
export const WORKSPACE = 'default';
export const TOPICS = ['factory', 'pricing', 'security', 'analytics', 'cloud', 'ai'] as const;
const ROLES = ['CTO', 'CIO', 'Engineer', 'Marketing', 'Sales', 'CEO'];
const STAGES = ['subscriber', 'lead', 'marketing_qualified', 'sales_accepted', 'sales_qualified', 'opportunity', 'customer'];
const INDUSTRIES = ['manufacturing', 'retail', 'finance', 'health', 'logistics'];

/** The anonymous id of profile i (the visitor's cookie in the decide traffic). */
export const anonymousIdOf = (i: number): string => `bench-anon-${i}`;
export const profileIdOf = (i: number): string => `prf_bench_${String(i).padStart(9, '0')}`;

export const SEGMENTS: ReadonlyArray<{ id: string; name: string; condition: unknown; holds: (t: Record<string, unknown>) => boolean }> = [
  { id: 'seg-tech', name: 'Technical roles', condition: { trait: { key: 'role', op: 'in', values: ['CTO', 'CIO', 'Engineer'] } }, holds: (t) => ['CTO', 'CIO', 'Engineer'].includes(t.role as string) },
  { id: 'seg-pro', name: 'Pro plan', condition: { trait: { key: 'plan', op: 'equals', value: 'pro' } }, holds: (t) => t.plan === 'pro' },
  { id: 'seg-enterprise', name: 'Enterprise', condition: { trait: { key: 'employees', op: 'gte', value: 1000 } }, holds: (t) => (t.employees as number) >= 1000 },
  { id: 'seg-marketing', name: 'Marketing', condition: { trait: { key: 'role', op: 'equals', value: 'Marketing' } }, holds: (t) => t.role === 'Marketing' },
  { id: 'seg-exec', name: 'Executives', condition: { trait: { key: 'role', op: 'in', values: ['CEO', 'CTO', 'CIO'] } }, holds: (t) => ['CEO', 'CTO', 'CIO'].includes(t.role as string) },
];

/** Slot k (0–19): 5–10 rules cycling through lifecycle, topic reads, context and segments; a default. */
export function slotDefinitions(count = 20): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, k) => {
    const ruleCount = 5 + (k % 6);
    const rules = Array.from({ length: ruleCount }, (_, j) => ruleOf(k, j));
    const variants = [{ id: 'general', body: 'Welcome', format: 'text' }, ...rules.map((r) => ({ id: `v-${r.id}`, title: `Variant ${r.id}`, body: `Content for ${r.id}, {{traits.firstName | "there"}}`, format: 'text', linkUrl: 'https://example.com/next' }))];
    return {
      id: `slot-${k}`, name: `Bench slot ${k}`, channel: 'any', defaultVariantId: 'general', variants, explain: k % 2 === 0,
      rules: rules.map((r) => ({ ...r, variantId: `v-${r.id}` })),
      goal: { event: 'Demo Requested', within: '7d' },
      ...(k % 4 === 0 ? { timing: { caps: [{ max: 3, window: '1d' }] } } : {}),
    };
  });
}

function ruleOf(k: number, j: number): Record<string, unknown> {
  const topic = TOPICS[(k + j) % TOPICS.length]!;
  switch ((k + j) % 5) {
    case 0: return { id: `r${j}-stage`, depth: 'segment', condition: { lifecycle: { in: [STAGES[(k + j) % STAGES.length]!, STAGES[(k + j + 3) % STAGES.length]!] } } };
    case 1: return { id: `r${j}-topic`, depth: 'segment', condition: { page: { category: topic, atLeast: 3 } } };
    case 2: return { id: `r${j}-context`, depth: 'contextual', context: { or: [{ field: 'category', op: 'equals', value: topic }, { field: 'utm.campaign', op: 'equals', value: `spring-${topic}` }] } };
    case 3: return { id: `r${j}-segment`, depth: 'segment', condition: { segment: { id: SEGMENTS[(k + j) % SEGMENTS.length]!.id } } };
    default: return { id: `r${j}-mixed`, depth: 'segment', condition: { and: [{ segment: { id: SEGMENTS[(k + j + 1) % SEGMENTS.length]!.id } }, { page: { category: topic, atLeast: 1 } }] }, context: { field: 'deviceClass', op: 'in', values: ['desktop', 'tablet'] } };
  }
}

/** Profiles [from, to) of chunk `from / CHUNK`, with their anonymous ids and memberships. */
function chunkOf(from: number, to: number, at: number) {
  const random = createRandom(7_000 + from / CHUNK);
  const profiles: Profile[] = [];
  const identities: Array<{ profileId: string; identity: { kind: 'anonymous_id'; value: string; firstSeenAt: number; messageId: null } }> = [];
  const members: Array<{ segmentId: string; profileId: string; since: number; reason: string }> = [];
  for (let i = from; i < to; i++) {
    const id = profileIdOf(i);
    const p = newProfile(id, WORKSPACE, at);
    const traits = { email: `person${i}@example.com`, firstName: `Person${i}`, role: random.pick(ROLES), employees: random.int(10_000), plan: random.next() < 0.3 ? 'pro' : 'free', industry: random.pick(INDUSTRIES) };
    p.traits = traits;
    const views = 1 + random.int(12);
    for (let v = 0; v < views; v++) {
      const topic = random.pick(TOPICS);
      const c = p.behaviour.categories[topic] ?? { views: 0, timeMs: 0 };
      p.behaviour.categories[topic] = { views: c.views + 1, timeMs: c.timeMs + 20_000 };
    }
    p.behaviour.pageViews = views;
    p.behaviour.eventCount = views;
    p.behaviour.counts = { page: views };
    p.behaviour.firstSeenAt = at - 30 * 86_400_000;
    p.behaviour.lastSeenAt = at;
    p.lifecycle = { stage: random.pick(STAGES), since: at - 86_400_000, history: [] };
    if (random.next() < 0.6) p.consent = { personalization: { granted: true, at, channel: 'banner', messageId: `seed-${i}` } };
    const member: Record<string, { since: number; reason: string }> = {};
    for (const s of SEGMENTS) if (s.holds(traits)) {
      member[s.id] = { since: at, reason: 'seed' };
      members.push({ segmentId: s.id, profileId: id, since: at, reason: 'seed' });
    }
    p.segments = { member, events: {} };
    const identity = { kind: 'anonymous_id' as const, value: anonymousIdOf(i), firstSeenAt: at, messageId: null };
    p.identities = [identity];
    profiles.push(p);
    identities.push({ profileId: id, identity });
  }
  return { profiles, identities, members };
}

/** Segments (backfill done) and profiles up to `total`, resuming after the last whole chunk. */
export async function ensureProfiles(store: Store, total: number, progress: (m: string) => void): Promise<{ generated: number; seconds: number }> {
  const at = Date.now();
  for (const s of SEGMENTS) {
    if (await store.segments.get(WORKSPACE, 'segment', s.id)) continue;
    await store.segments.put({
      workspaceId: WORKSPACE, kind: 'segment', id: s.id, createdAt: at, updatedAt: at,
      backfill: { state: 'done', total, processed: total, startedAt: at, updatedAt: at, finishedAt: at, after: null },
      body: { name: s.name, description: 'bench:decide', condition: s.condition },
    } as Parameters<Store['segments']['put']>[0]);
  }
  const have = await store.profiles.count(WORKSPACE);
  const start = Math.floor(have / CHUNK) * CHUNK;
  if (start >= total) return { generated: 0, seconds: 0 };
  progress(`profiles: ${have.toLocaleString('en-US')} stored, generating ${(total - start).toLocaleString('en-US')} more (resumable; chunks of ${CHUNK})…`);
  const started = performance.now();
  let lastReport = started;
  for (let from = start; from < total; from += CHUNK) {
    const { profiles, identities, members } = chunkOf(from, Math.min(total, from + CHUNK), at);
    await store.write((tx) => tx.apply({
      workspaceId: WORKSPACE, newProfiles: profiles, merges: [], identities, events: [], profiles: [], consents: [], counters: [],
      segments: { members, due: [], retired: [] },
    }));
    if (performance.now() - lastReport > 5_000) {
      lastReport = performance.now();
      const done = from + CHUNK - start;
      progress(`  ${(from + CHUNK).toLocaleString('en-US')} / ${total.toLocaleString('en-US')} (${Math.round(done / ((lastReport - started) / 1000)).toLocaleString('en-US')} profiles/s)`);
    }
  }
  return { generated: total - start, seconds: Math.round((performance.now() - started) / 100) / 10 };
}
