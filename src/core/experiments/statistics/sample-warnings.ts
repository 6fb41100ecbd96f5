/**
 * Minimum-sample warnings: results from too few units or conversions are noise, and a normal approximation
 * (z-test, delta method) needs roughly ≥ 10 successes and failures per arm (the usual np ≥ 10 rule of thumb,
 * e.g. Agresti & Caffo 2000). Defaults: 100 units and 10 conversions per variation, both configurable.
 */
export interface SampleThresholds {
  minimumUnits: number;
  minimumConversions: number;
}

export const DEFAULT_SAMPLE_THRESHOLDS: SampleThresholds = { minimumUnits: 100, minimumConversions: 10 };

export interface SampleWarning {
  variation: number;
  code: 'too_few_units' | 'too_few_conversions';
  message: string;
}

export function sampleWarnings(arms: ReadonlyArray<{ units: number; conversions?: number }>, thresholds: SampleThresholds = DEFAULT_SAMPLE_THRESHOLDS): SampleWarning[] {
  const warnings: SampleWarning[] = [];
  arms.forEach((arm, variation) => {
    if (arm.units < thresholds.minimumUnits) warnings.push({ variation, code: 'too_few_units', message: `variation ${variation} has ${arm.units} units; at least ${thresholds.minimumUnits} are needed` });
    if (arm.conversions !== undefined && arm.conversions < thresholds.minimumConversions) warnings.push({ variation, code: 'too_few_conversions', message: `variation ${variation} has ${arm.conversions} conversions; at least ${thresholds.minimumConversions} are needed` });
  });
  return warnings;
}
