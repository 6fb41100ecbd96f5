/** Contract: users, sessions and one-time sign-in tokens (ports/user-store.ts). */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { NewUser, UserToken } from '../../ports/user-store.js';
import { T0, newWorkspace, type StoreSubject } from './contract-fixtures.js';

const MINUTE = 60_000;
const newUser = (workspaceId: string, over: Partial<NewUser> = {}): NewUser => {
  const id = `usr_${randomUUID()}`;
  return { id, workspaceId, email: `${id}@example.com`, name: 'Anna Berg', role: 'marketer', passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$x$y', createdAt: T0, ...over };
};
const token = (workspaceId: string, over: Partial<UserToken> = {}): UserToken => ({
  hash: randomUUID().replace(/-/g, ''), purpose: 'set-password', workspaceId, userId: null, createdAt: T0, expiresAt: T0 + 60 * MINUTE, ...over,
});

export function userContract(subject: () => StoreSubject): void {
  test('creates users with unique e-mails across workspaces, gets them per workspace, lists by e-mail', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const other = await newWorkspace(store);
    const before = await store.users.count();
    const b = await store.users.create(newUser(ws, { email: `b-${ws}@example.com` }));
    const a = await store.users.create(newUser(ws, { email: `a-${ws}@example.com`, passwordHash: null, role: 'admin' }));
    assert.ok(a && b);
    assert.deepEqual(a, { ...newUser(ws), id: a.id, email: `a-${ws}@example.com`, passwordHash: null, role: 'admin', disabled: false, failedSignIns: 0, lockedUntil: null, lastSignInAt: null, updatedAt: T0 });
    assert.equal(await store.users.create(newUser(other, { email: `a-${ws}@example.com` })), null, 'the e-mail is taken in any workspace');
    assert.equal(await store.users.count(), before + 2);
    assert.deepEqual((await store.users.list(ws)).map((u) => u.email), [`a-${ws}@example.com`, `b-${ws}@example.com`]);
    assert.deepEqual(await store.users.list(other), []);
    assert.deepEqual(await store.users.get(ws, a.id), a);
    assert.equal(await store.users.get(other, a.id), null, 'not seen from another workspace');
    assert.deepEqual(await store.users.findByEmail(`b-${ws}@example.com`), b);
    assert.equal(await store.users.findByEmail('nobody@example.com'), null);
  });

  test('updates only the fields given; setting the password hash to null is a change, leaving it out is not', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const u = (await store.users.create(newUser(ws)))!;
    const renamed = await store.users.update(ws, u.id, { name: 'Anna B.', role: 'analyst' }, T0 + 5);
    assert.deepEqual(renamed, { ...u, name: 'Anna B.', role: 'analyst', updatedAt: T0 + 5 });
    const disabled = await store.users.update(ws, u.id, { disabled: true, passwordHash: null }, T0 + 6);
    assert.equal(disabled?.disabled, true);
    assert.equal(disabled?.passwordHash, null);
    assert.equal(disabled?.name, 'Anna B.');
    assert.equal((await store.users.update(ws, u.id, { disabled: false }, T0 + 7))?.disabled, false);
    assert.equal(await store.users.update(await newWorkspace(store), u.id, { name: 'x' }, T0), null, 'another workspace\'s user is not changed');
  });

  test('counts failed sign-ins atomically, locks at the maximum, and a sign-in resets', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const u = (await store.users.create(newUser(ws)))!;
    const policy = { maxFailures: 5, lockMs: 15 * MINUTE };
    const states = await Promise.all(Array.from({ length: 4 }, () => store.users.recordFailedSignIn(u.id, T0, policy)));
    assert.deepEqual(states.map((s) => s.failedSignIns).sort(), [1, 2, 3, 4], 'concurrent failures all count');
    assert.ok(states.every((s) => s.lockedUntil === null));
    assert.deepEqual(await store.users.recordFailedSignIn(u.id, T0 + 1, policy), { failedSignIns: 5, lockedUntil: T0 + 1 + 15 * MINUTE });
    assert.equal((await store.users.get(ws, u.id))?.lockedUntil, T0 + 1 + 15 * MINUTE);
    await store.users.recordSignIn(u.id, T0 + 20 * MINUTE);
    const after = (await store.users.get(ws, u.id))!;
    assert.deepEqual([after.failedSignIns, after.lockedUntil, after.lastSignInAt], [0, null, T0 + 20 * MINUTE]);
  });

  test('sessions: stored by hash with their user, touched forward only, deleted one by one or per user; stale ones go on the next sign-in', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const u = (await store.users.create(newUser(ws)))!;
    const [s1, s2, s3] = [randomUUID(), randomUUID(), randomUUID()];
    await store.users.createSession({ idHash: s1, userId: u.id, createdAt: T0, lastSeenAt: T0 }, T0 - MINUTE);
    await store.users.createSession({ idHash: s2, userId: u.id, createdAt: T0, lastSeenAt: T0 }, T0 - MINUTE);
    const found = await store.users.findSession(s1);
    assert.deepEqual(found, { session: { idHash: s1, userId: u.id, createdAt: T0, lastSeenAt: T0 }, user: u });
    assert.equal(await store.users.findSession('unknown'), null);
    await store.users.touchSession(s1, T0 + 5 * MINUTE);
    await store.users.touchSession(s1, T0 + 2 * MINUTE);
    assert.equal((await store.users.findSession(s1))?.session.lastSeenAt, T0 + 5 * MINUTE, 'never moved back');
    await store.users.createSession({ idHash: s3, userId: u.id, createdAt: T0 + 10 * MINUTE, lastSeenAt: T0 + 10 * MINUTE }, T0 + MINUTE);
    assert.equal(await store.users.findSession(s2), null, 'a session idle since before staleBefore is deleted');
    assert.ok(await store.users.findSession(s1));
    assert.equal(await store.users.deleteSessionsOf(u.id, s3), 1);
    assert.equal(await store.users.findSession(s1), null);
    assert.ok(await store.users.findSession(s3), 'the kept session stays');
    await store.users.deleteSession(s3);
    assert.equal(await store.users.findSession(s3), null);
  });

  test('tokens: redeemed once, for their purpose, before they expire; a newer one retires the older of the same user and purpose', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const u = (await store.users.create(newUser(ws)))!;
    const t1 = token(ws, { userId: u.id });
    await store.users.issueToken(t1);
    assert.equal(await store.users.redeemToken(t1.hash, 'welcome', T0 + 1), null, 'another purpose');
    assert.equal(await store.users.redeemToken(t1.hash, 'set-password', t1.expiresAt), null, 'expired at expiresAt');
    const answers = await Promise.all(Array.from({ length: 6 }, () => store.users.redeemToken(t1.hash, 'set-password', T0 + 1)));
    assert.deepEqual(answers.filter(Boolean), [t1], 'of concurrent redemptions exactly one gets it');
    assert.equal(await store.users.redeemToken(t1.hash, 'set-password', T0 + 2), null, 'used');
    const older = token(ws, { userId: u.id });
    const newer = token(ws, { userId: u.id, createdAt: T0 + 1 });
    const otherUser = token(ws, { userId: (await store.users.create(newUser(ws)))!.id });
    await store.users.issueToken(older);
    await store.users.issueToken(otherUser);
    await store.users.issueToken(newer);
    assert.equal(await store.users.redeemToken(older.hash, 'set-password', T0 + 2), null, 'retired by the newer link');
    assert.deepEqual(await store.users.redeemToken(otherUser.hash, 'set-password', T0 + 2), otherUser, 'another user\'s link stays');
    assert.deepEqual(await store.users.redeemToken(newer.hash, 'set-password', T0 + 2), newer);
  });

  test('welcome tokens: only the newest works; liveToken answers it until it expires or is used', async () => {
    const { store } = subject();
    const ws = await newWorkspace(store);
    const first = token(ws, { purpose: 'welcome', createdAt: T0 + 100 });
    const second = token(ws, { purpose: 'welcome', createdAt: T0 + 200 });
    await store.users.issueToken(first);
    assert.deepEqual(await store.users.liveToken('welcome', T0 + 150), first);
    await store.users.issueToken(second);
    assert.deepEqual(await store.users.liveToken('welcome', T0 + 250), second);
    assert.equal(await store.users.liveToken('welcome', second.expiresAt), null, 'expired');
    assert.equal(await store.users.redeemToken(first.hash, 'welcome', T0 + 250), null);
    assert.deepEqual(await store.users.redeemToken(second.hash, 'welcome', T0 + 250), second);
    assert.equal(await store.users.liveToken('welcome', T0 + 260), null, 'used');
  });
}
