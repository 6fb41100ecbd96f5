/**
 * The areas of the app, in the order of the navigation, and the API surface each works on. The
 * API enforces the roles (the app is only a client): the session answer says, per API surface,
 * whether the person's role may read and change it (`access`, from src/core/access/route-policy.ts),
 * and the app only hides what the role cannot use, so that nobody meets screens that answer 403.
 */
import type { Role } from './api-types.js';
import type { MessageKey } from './i18n.js';

export interface Area {
  id: string;
  path: string;
  label: MessageKey;
  /**
   * The API surface (a tag of the API reference) the area works on: the area shows when the
   * session's `access` says the role may read it, and its empty state links to it. Null: shown
   * to everyone (the landing page).
   */
  surface: string | null;
  /** The tag of the API reference that documents the area. */
  docsTag: string;
}

export type Access = Record<string, { read: boolean; change: boolean }>;

export const AREAS: readonly Area[] = [
  { id: 'home', path: '/', label: 'nav.home', surface: null, docsTag: 'Analytics' },
  { id: 'people', path: '/people', label: 'nav.people', surface: 'Profiles', docsTag: 'Profiles' },
  { id: 'segments', path: '/segments', label: 'nav.segments', surface: 'Segments', docsTag: 'Segments' },
  { id: 'scoring', path: '/scoring', label: 'nav.scoring', surface: 'Lead scoring', docsTag: 'Lead scoring' },
  { id: 'forms', path: '/forms', label: 'nav.forms', surface: 'Forms', docsTag: 'Forms' },
  { id: 'emails', path: '/emails', label: 'nav.emails', surface: 'Email', docsTag: 'Email' },
  { id: 'personalization', path: '/personalization', label: 'nav.personalization', surface: 'Personalization', docsTag: 'Personalization' },
  { id: 'experiments', path: '/experiments', label: 'nav.experiments', surface: 'Experiments', docsTag: 'Experiments' },
  { id: 'personas', path: '/personas', label: 'nav.personas', surface: 'Personas', docsTag: 'Personas' },
  { id: 'privacy', path: '/privacy', label: 'nav.privacy', surface: 'Privacy', docsTag: 'Privacy' },
  { id: 'settings', path: '/settings', label: 'nav.settings', surface: 'Users', docsTag: 'Users' },
];

/** The server may write "privacy officer" or "privacy-officer"; the app uses one spelling. */
export function normaliseRole(role: string): Role {
  const r = role.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return (['admin', 'marketer', 'analyst', 'privacy_officer', 'viewer'] as const).find((x) => x === r) ?? 'viewer';
}

export const mayRead = (access: Access, area: Area) => area.surface === null || access[area.surface]?.read === true;
export const areasFor = (access: Access) => AREAS.filter((a) => mayRead(access, a));

/** The area a path belongs to (`/people/abc` → people). */
export function areaOf(path: string): Area | undefined {
  const first = `/${path.split('/').filter(Boolean)[0] ?? ''}`;
  return AREAS.find((a) => a.path === first);
}

const may = (access: Access, surface: string, what: 'read' | 'change') => access[surface]?.[what] === true;

/** What the person may do beyond reading, from the session's access per API surface. */
export const can = {
  readPeople: (a: Access) => may(a, 'Profiles', 'read'),
  /** Erasure and export are data-subject requests: changes of both Profiles and Privacy. */
  erase: (a: Access) => may(a, 'Profiles', 'change') && may(a, 'Privacy', 'change'),
  export: (a: Access) => may(a, 'Profiles', 'read') && may(a, 'Privacy', 'change'),
  unmerge: (a: Access) => may(a, 'Profiles', 'change'),
  editSegments: (a: Access) => may(a, 'Segments', 'change'),
};
