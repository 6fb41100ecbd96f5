/**
 * The demo site's lead forms, as a marketer would define them (POST /v1/forms, admin key):
 * - `whitepaper`: the first contact asks name, work email and company, nothing else;
 * - `assessment`: a later contact; the email always shows (pre-filled, masked, for a recognised
 *   visitor) and at most two new qualification questions, never one already answered — here the
 *   PLM system is answered by the email survey, so it is never asked.
 */
import { ADMIN_KEY } from '../support/tessera-under-test.js';

const en = (text: string) => ({ en: text });
const options = (...pairs: Array<[string, string]>) => pairs.map(([value, label]) => ({ value, label: en(label) }));

export const WHITEPAPER_FORM = {
  id: 'whitepaper',
  name: 'PLM Maturity Guide download',
  fields: [
    { key: 'firstName', type: 'text', label: en('First name'), required: true, purpose: 'necessary', role: 'name', weight: 3 },
    { key: 'email', type: 'email', label: en('Work email'), required: true, purpose: 'necessary', role: 'email', weight: 10 },
    { key: 'company', type: 'text', label: en('Company'), required: true, purpose: 'necessary', role: 'company', weight: 5 },
  ],
  alwaysShow: ['firstName', 'email', 'company'],
  maxNewQuestions: 0,
  submitLabel: en('Send me the guide'),
  thankYou: { message: en('Thank you! The guide is on its way to your inbox.') },
};

export const ASSESSMENT_FORM = {
  id: 'assessment',
  name: 'PLM assessment',
  fields: [
    { key: 'email', type: 'email', label: en('Work email'), required: true, purpose: 'necessary', role: 'email', weight: 10 },
    { key: 'firstName', type: 'text', label: en('First name'), required: true, purpose: 'necessary', role: 'name', weight: 3 },
    { key: 'company', type: 'text', label: en('Company'), required: false, purpose: 'necessary', role: 'company', weight: 5 },
    { key: 'plmSystem', type: 'radio', label: en('Which PLM system do you use?'), purpose: 'profiling', role: 'need', weight: 6,
      options: options(['teamcenter', 'Teamcenter'], ['windchill', 'Windchill'], ['3dexperience', '3DEXPERIENCE']) },
    { key: 'jobRole', type: 'select', label: en('Your role'), purpose: 'profiling', role: 'authority', weight: 7,
      options: options(['engineer', 'Engineer'], ['manager', 'Engineering manager'], ['executive', 'Executive']) },
    { key: 'timeline', type: 'radio', label: en('When do you plan to decide?'), purpose: 'profiling', role: 'timeline', weight: 7,
      options: options(['quarter', 'This quarter'], ['year', 'This year'], ['later', 'Later']) },
    { key: 'teamSize', type: 'number', label: en('Engineers on your team'), purpose: 'profiling', role: 'budget', weight: 2, validation: { min: 1, max: 100000 } },
  ],
  alwaysShow: ['email'],
  maxNewQuestions: 2,
  submitLabel: en('Get my assessment'),
  thankYou: { message: en('Thank you! Your assessment follows shortly.') },
};

export async function createForm(tesseraUrl: string, definition: object): Promise<void> {
  const response = await fetch(`${tesseraUrl}/v1/forms`, {
    method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(definition),
  });
  if (response.status !== 201) throw new Error(`creating form: ${response.status} ${await response.text()}`);
}

export async function adminPost<T>(tesseraUrl: string, path: string, body: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${tesseraUrl}${path}`, {
    method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}
