/** The languages decisions speak (explanations, salutations). Anything else falls back to English. */

export const LOCALES = ['en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];

/** `de-AT` → `de`; unknown or malformed tags → `fallback`. */
export function languageOf(tag: string | undefined, fallback: Locale = 'en'): Locale {
  if (typeof tag !== 'string') return fallback;
  const lang = tag.slice(0, 2).toLowerCase();
  return (LOCALES as readonly string[]).includes(lang) && (tag.length === 2 || tag[2] === '-' || tag[2] === '_') ? (lang as Locale) : fallback;
}

/** Text per language; `en` is always given, so a lookup never comes back empty. */
export type LocalizedText = { en: string } & Partial<Record<Locale, string>>;
