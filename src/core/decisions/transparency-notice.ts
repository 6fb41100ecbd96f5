/**
 * The transparency notice (GET /v1/personalization/notice): the main parameters of every active
 * slot in plain words, for the site's privacy page — in the spirit of DSA Art. 27 (recommender
 * systems: the main parameters and why they matter) and GDPR Art. 13(2)(f)/Art. 22 information.
 * Built from the compiled slots only; no person's data.
 */
import type { CompiledSlot } from './compiled-slot.js';
import { dataKindLabel, sortedKinds, type DataKind } from './data-kinds.js';
import { deeperThan, maxDepth, type Depth } from './depth.js';
import type { Locale } from './locale.js';

export interface NoticeEntry {
  slotId: string;
  name: string;
  channel: string;
  /** The deepest any of its content can go (before the visitor's consent and recognition limit it). */
  depth: Depth;
  dataKinds: DataKind[];
  /** One paragraph in `locale`. */
  text: string;
}

const DEPTH_WORDS: Readonly<Record<Locale, Readonly<Record<Depth, string>>>> = {
  en: {
    none: 'the same for everyone', contextual: 'adapted to the current visit only', segment: 'adapted to groups of visitors and interests read on this site',
    persona: 'adapted to a visitor type', individual: 'adapted to you personally, only when you are logged in or came through a personal link',
  },
  de: {
    none: 'für alle gleich', contextual: 'nur an den aktuellen Besuch angepasst', segment: 'an Besuchergruppen und hier gelesene Interessen angepasst',
    persona: 'an einen Besuchertyp angepasst', individual: 'persönlich an Sie angepasst, nur wenn Sie angemeldet sind oder über einen persönlichen Link kamen',
  },
};

export function transparencyNotice(slots: readonly CompiledSlot[], locale: Locale): NoticeEntry[] {
  return slots.map((s) => {
    let depth: Depth = s.strategy.depth;
    const kinds: DataKind[] = [...s.strategy.dataKinds];
    for (const r of s.rules) { depth = maxDepth(depth, r.depth); kinds.push(...r.dataKinds); }
    if (deeperThan(depth, s.slot.depthCeiling)) depth = s.slot.depthCeiling;
    const dataKinds = sortedKinds(kinds);
    return { slotId: s.slot.id, name: s.slot.name, channel: s.slot.channel, depth, dataKinds, text: paragraph(s.slot.name, depth, dataKinds, locale) };
  });
}

function paragraph(name: string, depth: Depth, kinds: readonly DataKind[], locale: Locale): string {
  const labels = kinds.map((k) => dataKindLabel(k, locale)).join(', ');
  const consent = deeperThan(depth, 'contextual');
  if (locale === 'de') {
    return `„${name}“: ${DEPTH_WORDS.de[depth]}.${labels ? ` Berücksichtigt: ${labels}.` : ''}${consent ? ' Persönlich zugeschnittene Inhalte nur mit Ihrer Einwilligung; ohne sie sehen Sie allgemeine Inhalte.' : ''}`;
  }
  return `"${name}": ${DEPTH_WORDS.en[depth]}.${labels ? ` Uses: ${labels}.` : ''}${consent ? ' Personalised content only with your consent; without it you see general content.' : ''}`;
}
