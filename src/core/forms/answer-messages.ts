/**
 * What a visitor reads next to a wrong answer, in their language: English and German built in,
 * English for any other locale. A field's own `errorMessage` (form-definition.ts) takes precedence
 * for wrong values. Messages continue the field's label ("Email: is required"), so they start in
 * lower case.
 */
export type AnswerProblem =
  | { code: 'required' | 'tick' | 'boolean' | 'number' | 'option' | 'text' | 'email' | 'tel' | 'format' }
  | { code: 'min'; min: number }
  | { code: 'max'; max: number }
  | { code: 'maxLength'; limit: number }
  | { code: 'oneOf'; options: string };

type Catalogue = { [K in AnswerProblem['code']]: (p: Extract<AnswerProblem, { code: K }>) => string };

const en: Catalogue = {
  required: () => 'is required',
  tick: () => 'must be ticked',
  boolean: () => 'must be true or false',
  number: () => 'must be a number',
  option: () => 'must be one of the options',
  text: () => 'must be text',
  email: () => 'must be an email address such as name@example.com',
  tel: () => 'must be a phone number (digits, spaces, + - ( ) . /)',
  format: () => 'does not have the expected format',
  min: (p) => `must be at least ${p.min}`,
  max: (p) => `must be at most ${p.max}`,
  maxLength: (p) => `must be at most ${p.limit} characters`,
  oneOf: (p) => `must be one of ${p.options}`,
};

const de: Catalogue = {
  required: () => 'ist erforderlich',
  tick: () => 'muss angekreuzt sein',
  boolean: () => 'muss ja oder nein sein',
  number: () => 'muss eine Zahl sein',
  option: () => 'muss eine der Optionen sein',
  text: () => 'muss ein Text sein',
  email: () => 'muss eine E-Mail-Adresse sein, z. B. name@beispiel.de',
  tel: () => 'muss eine Telefonnummer sein (Ziffern, Leerzeichen, + - ( ) . /)',
  format: () => 'hat nicht das erwartete Format',
  min: (p) => `muss mindestens ${p.min} sein`,
  max: (p) => `darf höchstens ${p.max} sein`,
  maxLength: (p) => `darf höchstens ${p.limit} Zeichen lang sein`,
  oneOf: (p) => `muss eine dieser Optionen sein: ${p.options}`,
};

const CATALOGUES: Record<string, Catalogue> = { en, de };

export function answerMessage(problem: AnswerProblem, locale: string | undefined): string {
  const language = (locale ?? 'en').split('-')[0]!.toLowerCase();
  const catalogue = Object.hasOwn(CATALOGUES, language) ? CATALOGUES[language]! : en;
  return (catalogue[problem.code] as (p: AnswerProblem) => string)(problem);
}
