/**
 * The lines of a segment member export, produced page by page (1,000 members and their profiles
 * at a time), so that a segment of millions streams with flat memory. CSV follows RFC 4180; a
 * field that a spreadsheet would run as a formula is prefixed with ' (OWASP, CSV injection): one
 * starting with a tab or a carriage return, or with = + - @ after any leading white space (a space,
 * a no-break space, any Unicode space or line break, or a zero-width one), the signs also in their
 * full-width and small forms (＝ ＋ － ＠, ﹦ ﹢ ﹣ ﹫: spreadsheets with East Asian input normalise them).
 */
import type { Store } from '../../ports/store.js';
import type { Profile } from '../../core/profiles/profile.js';
import { toIso } from '../../core/time.js';
import { currentUserId } from '../../core/profiles/current-user-id.js';

/** Who a member is, for people reading a segment: the current user id, the e-mail and the name trait (each null when unknown). */
export function memberIdentity(p: Profile | null): { userId: string | null; email: string | null; name: string | null } {
  const userId = p ? currentUserId(p) : null;
  const email = p?.identities.find((x) => x.kind === 'email')?.value ?? (typeof p?.traits.email === 'string' ? p.traits.email : null);
  const t = p?.traits ?? {};
  const name = typeof t.name === 'string' && t.name.trim() ? t.name
    : [t.firstName, t.lastName].filter((x): x is string => typeof x === 'string' && x.trim() !== '').join(' ') || null;
  return { userId, email, name };
}

const PAGE = 1000;

/** \s covers the Unicode spaces and line breaks (U+00A0, U+2000–U+200A, U+3000, U+FEFF …); U+200B–U+200D and U+2060 are the zero-width ones. */
const FORMULA_START = /^(?:[\t\r]|[\s\u200B-\u200D\u2060]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\uFE66\uFE62\uFE63\uFE6B])/;

export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export async function* memberLines(options: { store: Store; workspaceId: string; segmentId: string; format: 'csv' | 'ndjson'; traits: string[]; onError: (error: unknown) => void }): AsyncGenerator<string> {
  const { store, workspaceId, segmentId, format, traits } = options;
  if (format === 'csv') yield `${['profile_id', 'since', 'user_id', 'email', ...traits.map((t) => `trait_${t}`), 'reason'].map(csvField).join(',')}\r\n`;
  let after: string | undefined;
  try {
    for (;;) {
      const rows = await store.segments.members(workspaceId, segmentId, { limit: PAGE, ...(after ? { after } : {}) });
      if (rows.length === 0) return;
      const profiles = await Promise.all(rows.map((m) => store.profiles.get(workspaceId, m.profileId)));
      let chunk = '';
      rows.forEach((m, i) => {
        const p = profiles[i];
        const { userId, email } = memberIdentity(p ?? null);
        const picked = Object.fromEntries(traits.map((t) => [t, p && Object.hasOwn(p.traits, t) ? p.traits[t] : null]));
        chunk += format === 'csv'
          ? `${[m.profileId, toIso(m.since), userId, email, ...traits.map((t) => picked[t]), m.reason].map(csvField).join(',')}\r\n`
          : `${JSON.stringify({ profileId: m.profileId, since: toIso(m.since), userId, email, ...(traits.length ? { traits: picked } : {}), reason: m.reason })}\n`;
      });
      yield chunk;
      after = rows[rows.length - 1]!.profileId;
    }
  } catch (error) {
    options.onError(error);
    throw error;
  }
}
