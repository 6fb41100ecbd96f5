/**
 * The greeting for `{{salutation}}`, per language and the workspace's style (formal | informal).
 *
 * Gender is NEVER guessed from a name: a gendered form is used only when the person's data says
 * how to address them — a `salutation` trait (Frau, Herr, Ms, Mrs, Miss, Mr, Mx) or a `gender`
 * trait (female/weiblich/w/f, male/männlich/m). Anything else is neutral. An academic title comes
 * from `academicTitle`, or from `title` only when it looks like one (Dr., Prof.): `title` often
 * holds a job title ("CTO").
 *
 *   de formal   known form + last name: "Sehr geehrte Frau Dr. Berg" / "Sehr geehrter Herr Berg"
 *               first and last name:    "Guten Tag Karoline Berg"   (title + last name: "Guten Tag Dr. Berg")
 *               otherwise:              "Guten Tag"
 *   de informal first name: "Hallo Karoline", otherwise "Hallo"
 *   en formal   known form or title + last name: "Dear Ms Berg", "Dear Dr Berg"
 *               first and last name: "Dear Karoline Berg", otherwise "Hello"
 *   en informal first name: "Hello Karoline", otherwise "Hello"
 *
 * `neutral: true` gives the greeting without any personal data (a visitor not recognised enough to
 * see their name): "Guten Tag" / "Hallo" / "Hello".
 */
import type { SalutationStyle } from './decision-settings.js';
import type { Locale } from './locale.js';

export interface SalutationInput {
  traits: Readonly<Record<string, unknown>>;
  locale: Locale;
  style: SalutationStyle;
  neutral?: boolean;
}

type Form = 'female' | 'male' | 'neutral-mx';

const FORMS: ReadonlyMap<string, Form> = new Map([
  ['frau', 'female'], ['ms', 'female'], ['mrs', 'female'], ['miss', 'female'], ['madam', 'female'],
  ['herr', 'male'], ['mr', 'male'], ['sir', 'male'], ['mx', 'neutral-mx'],
]);
const GENDERS: ReadonlyMap<string, Form> = new Map([
  ['female', 'female'], ['f', 'female'], ['w', 'female'], ['weiblich', 'female'], ['woman', 'female'], ['frau', 'female'],
  ['male', 'male'], ['m', 'male'], ['männlich', 'male'], ['maennlich', 'male'], ['man', 'male'], ['mann', 'male'],
]);
/** English honorific as given (Mrs stays Mrs), by normalised salutation trait. */
const ENGLISH_GIVEN: ReadonlyMap<string, string> = new Map([['ms', 'Ms'], ['mrs', 'Mrs'], ['miss', 'Miss'], ['mr', 'Mr'], ['mx', 'Mx']]);
const ACADEMIC = /^(?:prof\.?|dr\.?)(?:\s*(?:prof\.?|dr\.?|med\.?|phil\.?|rer\.?\s*nat\.?|jur\.?|ing\.?|h\.\s*c\.?))*$/i;

const text = (v: unknown): string | undefined => {
  if (typeof v !== 'string') return undefined;
  const t = v.replace(/\s+/g, ' ').trim();
  return t === '' || t.length > 100 ? undefined : t;
};
const norm = (v: unknown): string | undefined => text(v)?.toLowerCase().replace(/\.$/, '');

export function salutationOf(i: SalutationInput): string {
  const de = i.locale === 'de';
  if (i.neutral) return de ? (i.style === 'formal' ? 'Guten Tag' : 'Hallo') : 'Hello';
  const first = text(i.traits.firstName);
  const last = text(i.traits.lastName);
  if (i.style === 'informal') return first ? `${de ? 'Hallo' : 'Hello'} ${first}` : de ? 'Hallo' : 'Hello';
  const given = norm(i.traits.salutation);
  const form = (given !== undefined ? FORMS.get(given) : undefined) ?? GENDERS.get(norm(i.traits.gender) ?? '');
  const title = academicTitle(i.traits);
  if (de) {
    if (last && (form === 'female' || form === 'male')) {
      return `${form === 'female' ? 'Sehr geehrte Frau' : 'Sehr geehrter Herr'} ${title ? `${title} ` : ''}${last}`;
    }
    if (last && first) return `Guten Tag ${title ? `${title} ` : ''}${first} ${last}`;
    if (last && title) return `Guten Tag ${title} ${last}`;
    return 'Guten Tag';
  }
  if (last) {
    if (title) return `Dear ${title.split(' ')[0]!.replace(/\.$/, '')} ${last}`;
    const honorific = (given !== undefined ? ENGLISH_GIVEN.get(given) : undefined) ?? (form === 'female' ? 'Ms' : form === 'male' ? 'Mr' : undefined);
    if (honorific) return `Dear ${honorific} ${last}`;
    if (first) return `Dear ${first} ${last}`;
  }
  return 'Hello';
}

/** "Dr.", "Prof. Dr." — from `academicTitle`, or `title` when it is an academic title. */
function academicTitle(traits: Readonly<Record<string, unknown>>): string | undefined {
  for (const key of ['academicTitle', 'title']) {
    const t = text(Object.hasOwn(traits, key) ? traits[key] : undefined);
    if (t && ACADEMIC.test(t)) return t;
  }
  return undefined;
}
