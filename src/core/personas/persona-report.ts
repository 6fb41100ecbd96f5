/**
 * The persona report for briefing an agency (issue 17 §4): per persona its size, share, the
 * features that set it apart, its top content categories and its channel mix — all read from the
 * stored aggregates (persona-model.ts), in readable units (a share is a share, not a z-score),
 * never from persons. Personas smaller than the k-anonymity minimum are left out and only counted.
 *
 * Readable units: a persona mean μ_k in standardised units goes back to the feature's own unit as
 * μ_k·σ + m (m, σ² the stored standardisation of the sample); shares are clamped to [0, 1].
 */
import type { PersonaModel } from './persona-model.js';

export interface PersonaReportEntry {
  id: string;
  name: string;
  description: string;
  size: number;
  share: number;
  distinguishing: PersonaModel['personas'][number]['distinguishing'];
  /** Content categories by the persona's mean share of reading, highest first (at most 5). */
  topContent: Array<{ category: string; share: number; populationShare: number }>;
  /** Arrival channels by the persona's mean share, highest first. */
  channels: Array<{ channel: string; share: number; populationShare: number }>;
}

export interface PersonaReport {
  modelVersion: number;
  fittedAt: number;
  sampleSize: number;
  kMinimum: number;
  personas: PersonaReportEntry[];
  /** Personas below the k-anonymity minimum: counted, never described. */
  hidden: number;
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
const round = (v: number) => Math.round(v * 1000) / 1000;

export function personaReport(model: PersonaModel, kMinimum: number): PersonaReport {
  const shown = model.personas.filter((p) => p.size >= kMinimum);
  const readable = (mean: number[], j: number) => mean[j]! * Math.sqrt(model.scaling.variances[j]!) + model.scaling.means[j]!;
  const byPrefix = (prefix: string, mean: number[]) => model.features
    .map((key, j) => ({ key, j }))
    .filter((f) => f.key.startsWith(prefix))
    .map((f) => ({ name: f.key.slice(prefix.length), share: round(clamp01(readable(mean, f.j))), populationShare: round(clamp01(model.scaling.means[f.j]!)) }))
    .sort((a, b) => b.share - a.share || a.name.localeCompare(b.name));
  return {
    modelVersion: model.version, fittedAt: model.fittedAt, sampleSize: model.sampleSize, kMinimum,
    personas: shown.map((p) => ({
      id: p.id, name: p.name, description: p.description, size: p.size, share: round(p.weight),
      distinguishing: p.distinguishing.slice(0, 5),
      topContent: byPrefix('category:', p.mean).slice(0, 5).map((c) => ({ category: c.name, share: c.share, populationShare: c.populationShare })),
      channels: byPrefix('channel:', p.mean).map((c) => ({ channel: c.name, share: c.share, populationShare: c.populationShare })),
    })),
    hidden: model.personas.length - shown.length,
  };
}
