/**
 * The workspace's own published consent wordings: the consent texts of its forms (every locale)
 * and the confirmation texts of its email lists. A consent request (POST /v1/consent) whose text
 * is one of them shares the one stored copy (`consent_wordings`); any other text a client sends
 * stays on the person's own consent record (core/privacy/consent.ts, ConsentWording.published).
 */
import { createHash } from 'node:crypto';
import { confirmationWording } from '../links/subscriptions.js';
import type { Store } from '../ports/store.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** SHA-256 (hex) of every published wording of the workspace. Read per consent request (rare: a banner click). */
export async function publishedWordingHashes(store: Store, workspaceId: string): Promise<Set<string>> {
  const [forms, lists] = await Promise.all([store.forms.list(workspaceId), store.emails.lists(workspaceId)]);
  const hashes = new Set<string>();
  for (const form of forms) for (const field of form.fields) if (field.consent) for (const text of Object.values(field.consent.text)) hashes.add(sha256(text));
  for (const list of lists) hashes.add(sha256(confirmationWording(list)));
  return hashes;
}
