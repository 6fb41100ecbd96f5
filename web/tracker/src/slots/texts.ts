/** The slot module's own words, in English and German (by the page's language). */
export interface SlotTexts {
  lang: 'en' | 'de';
  why: string;
  heading: string;
  basedOn: string;
  general: string;
  more: string;
  dismiss: string;
  close: string;
  link: string;
}

const EN: SlotTexts = {
  lang: 'en',
  why: 'Why am I seeing this?',
  heading: 'Why you see this',
  basedOn: 'Based on:',
  general: 'Show me general content instead',
  more: 'More about this and your data',
  dismiss: 'Hide this',
  close: 'Close',
  link: 'Learn more',
};

const DE: SlotTexts = {
  lang: 'de',
  why: 'Warum sehe ich das?',
  heading: 'Warum Sie das sehen',
  basedOn: 'Grundlage:',
  general: 'Stattdessen allgemeine Inhalte zeigen',
  more: 'Mehr dazu und zu Ihren Daten',
  dismiss: 'Ausblenden',
  close: 'Schließen',
  link: 'Mehr erfahren',
};

export function slotTexts(locale: string): SlotTexts {
  return /^de\b/i.test(locale) ? DE : EN;
}
