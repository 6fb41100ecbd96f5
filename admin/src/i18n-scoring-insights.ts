/**
 * The texts of the score preview in the rule editors ("what would this person score"), of
 * the stage funnel on the Scoring & lifecycle screen and of the funnel on Home (merged into i18n-home-scoring.ts; the German
 * dictionary must have every key of the English one: the type says so).
 */
export const scoringInsightsEn = {
  'sp.title': 'What would this person score?',
  'sp.hint': 'Try the rule as it is in this form, before saving: the person\'s stored events are scored again under it (nothing is saved).',
  'sp.person': 'Person', 'sp.personHint': 'E-mail, user id, anonymous id or profile id.', 'sp.run': 'Preview score',
  'sp.notFound': 'No person is known by “{id}”.', 'sp.required': 'Enter an identifier of the person.',
  'sp.result': 'Scores of {id} with this rule', 'sp.caption': 'Points per rule with this rule, and now',
  'sp.rule': 'Rule', 'sp.kind': 'Kind', 'sp.kind.engagement': 'Engagement', 'sp.kind.fit': 'Fit', 'sp.events': 'Events counted',
  'sp.would': 'With this rule', 'sp.now': 'Now', 'sp.thisRule': '(this rule)', 'sp.matched': 'matches', 'sp.notMatched': '—',
  'sp.totals': 'Engagement {engagement} points (now {engagementNow}) · fit {fit} points (now {fitNow}).',
  'sp.stage': 'Stage now: {stage}.', 'sp.noStage': 'No stage yet.',
  'sp.moves': 'With these rules the person would move:', 'sp.noMoves': 'With these rules the person would not move.',
  'sp.held': 'A manual move holds the person until {until}: automatic rules leave them alone until then.',

  'sf.title': 'Stage funnel', 'sf.period': 'Period', 'sf.days': 'Last {n} days',
  'sf.about': 'How many moves went into and out of each stage in the period (from the people\'s timelines), and between which stages. People now per stage: “Count people” above.',
  'sf.chartLabel': 'Bar chart of the moves into and out of each lifecycle stage in the last {n} days{now}; the same figures are in the table below.',
  'sf.chartNow': ', with the people in each stage now',
  'sf.entered': 'Moved in', 'sf.left': 'Moved out', 'sf.nowPeople': 'People now', 'sf.stages': 'Moves per stage, last {n} days',
  'sf.moves': 'Moves between stages, last {n} days', 'sf.from': 'From', 'sf.to': 'To', 'sf.movesCol': 'Moves', 'sf.people': 'People', 'sf.firstStage': '(first stage)',
  'sf.none': 'Nobody moved between stages in the last {n} days.',
  'hf.title': 'Funnel', 'hf.hint': 'How many people went through these steps in order in the range above (with its filters): a page (page:/pricing, page:/blog/* for a prefix) or an event (event:Demo Requested, event:Order Completed;plan=pro).',
  'hf.step': 'Step {n}', 'hf.removeStep': 'Remove step {n}', 'hf.addStep': 'Add a step', 'hf.fromGoals': 'Use the goals as steps',
  'hf.within': 'Within (optional)', 'hf.withinHint': 'From the first step to the last: 30m, 12h, 7d. Empty: no limit.', 'hf.show': 'Draw the funnel',
  'hf.summary': 'Went through every step: {completed} ({rate} of those at the first step).',
  'hf.caption': 'People per step, conversion and drop-off', 'hf.stepCol': 'Step', 'hf.people': 'People', 'hf.fromPrevious': 'From the step before', 'hf.fromFirst': 'From the first step', 'hf.dropOff': 'Dropped off',
  'hf.chartLabel': 'Bar chart of the people at each of the {n} steps of the funnel; the same figures are in the table below.',
} as const;

export const scoringInsightsDe: Record<keyof typeof scoringInsightsEn, string> = {
  'sp.title': 'Was würde diese Person erreichen?',
  'sp.hint': 'Probieren Sie die Regel so, wie sie in diesem Formular steht, vor dem Speichern aus: Die gespeicherten Ereignisse der Person werden mit ihr neu bewertet (nichts wird gespeichert).',
  'sp.person': 'Person', 'sp.personHint': 'E-Mail, User-ID, anonyme ID oder Profil-ID.', 'sp.run': 'Score ansehen',
  'sp.notFound': 'Unter „{id}“ ist keine Person bekannt.', 'sp.required': 'Geben Sie eine Kennung der Person ein.',
  'sp.result': 'Scores von {id} mit dieser Regel', 'sp.caption': 'Punkte je Regel mit dieser Regel und jetzt',
  'sp.rule': 'Regel', 'sp.kind': 'Art', 'sp.kind.engagement': 'Engagement', 'sp.kind.fit': 'Fit', 'sp.events': 'Gezählte Ereignisse',
  'sp.would': 'Mit dieser Regel', 'sp.now': 'Jetzt', 'sp.thisRule': '(diese Regel)', 'sp.matched': 'trifft zu', 'sp.notMatched': '—',
  'sp.totals': 'Engagement {engagement} Punkte (jetzt {engagementNow}) · Fit {fit} Punkte (jetzt {fitNow}).',
  'sp.stage': 'Phase jetzt: {stage}.', 'sp.noStage': 'Noch keine Phase.',
  'sp.moves': 'Mit diesen Regeln würde die Person wechseln:', 'sp.noMoves': 'Mit diesen Regeln würde die Person nicht wechseln.',
  'sp.held': 'Eine manuelle Verschiebung hält die Person bis {until}: Bis dahin lassen die automatischen Regeln sie in Ruhe.',

  'sf.title': 'Phasen-Trichter', 'sf.period': 'Zeitraum', 'sf.days': 'Letzte {n} Tage',
  'sf.about': 'Wie viele Wechsel im Zeitraum in jede Phase hinein und aus ihr hinaus gingen (aus den Zeitleisten der Personen) und zwischen welchen Phasen. Personen je Phase jetzt: „Personen zählen“ oben.',
  'sf.chartLabel': 'Balkendiagramm der Wechsel in jede Lebenszyklusphase hinein und aus ihr hinaus in den letzten {n} Tagen{now}; dieselben Zahlen stehen in der Tabelle darunter.',
  'sf.chartNow': ', mit den Personen, die jetzt in jeder Phase sind',
  'sf.entered': 'Hinein', 'sf.left': 'Hinaus', 'sf.nowPeople': 'Personen jetzt', 'sf.stages': 'Wechsel je Phase, letzte {n} Tage',
  'sf.moves': 'Wechsel zwischen Phasen, letzte {n} Tage', 'sf.from': 'Von', 'sf.to': 'Nach', 'sf.movesCol': 'Wechsel', 'sf.people': 'Personen', 'sf.firstStage': '(erste Phase)',
  'sf.none': 'In den letzten {n} Tagen hat niemand die Phase gewechselt.',
  'hf.title': 'Trichter', 'hf.hint': 'Wie viele Personen diese Schritte der Reihe nach im Zeitraum oben (mit seinen Filtern) gingen: eine Seite (page:/pricing, page:/blog/* für einen Anfang) oder ein Ereignis (event:Demo Requested, event:Order Completed;plan=pro).',
  'hf.step': 'Schritt {n}', 'hf.removeStep': 'Schritt {n} entfernen', 'hf.addStep': 'Schritt hinzufügen', 'hf.fromGoals': 'Die Ziele als Schritte nehmen',
  'hf.within': 'Innerhalb (optional)', 'hf.withinHint': 'Vom ersten bis zum letzten Schritt: 30m, 12h, 7d. Leer: keine Grenze.', 'hf.show': 'Trichter zeichnen',
  'hf.summary': 'Alle Schritte gingen: {completed} ({rate} derer beim ersten Schritt).',
  'hf.caption': 'Personen je Schritt, Konversion und Abbruch', 'hf.stepCol': 'Schritt', 'hf.people': 'Personen', 'hf.fromPrevious': 'Vom Schritt davor', 'hf.fromFirst': 'Vom ersten Schritt', 'hf.dropOff': 'Abgesprungen',
  'hf.chartLabel': 'Balkendiagramm der Personen bei jedem der {n} Schritte des Trichters; dieselben Zahlen stehen in der Tabelle darunter.',
};
