/**
 * The readers of the public data sets of `npm run eval:recommendations` (eval/datasets/README.md:
 * sources and licences). Each turns a CSV into people's interactions, in any order (the split sorts
 * by time): every interaction a purchase, so that `also-bought` learns from them.
 */
import type { Interaction } from '../../src/core/recommendations/co-occurrence.js';

/** `us-flights-2001-q1.csv` (date,origin,destination): origin airports as customers, each flight a purchase of its destination. */
export function readFlights(csv: string): Interaction[][] {
  return group(csv, (line) => {
    const [date, origin, destination] = line.split(',') as [string, string, string];
    return [origin, destination, Date.parse(date)];
  });
}

/** The start of the synthetic clock of the npm data set, and its step per version (see readNpmDependencies). */
export const NPM_EPOCH = Date.UTC(2026, 0, 1);
export const NPM_VERSION_STEP_MS = 60_000;

/**
 * `npm-dependencies.csv` (project,dependency,version_rank,first_version): npm packages as people,
 * each dependency a purchase in the order the project adopted it (the rank, in semver order, of the
 * project's first version that lists it); leave-last-out holds out the dependency adopted last.
 * The file has no trustworthy dates (eval/datasets/README.md), so the clock is synthetic: version
 * rank r is NPM_EPOCH + r minutes, for every project. Only the order carries information; the step
 * is small so that the windows and half-lives of the settings (days) cut no project's history.
 * Ties (dependencies that came in the same version) keep the file's order, by name.
 */
export function readNpmDependencies(csv: string): Interaction[][] {
  return group(csv, (line) => {
    const [project, dependency, rank] = line.split(',') as [string, string, string];
    return [project, dependency, /^\d+$/.test(rank) ? NPM_EPOCH + Number(rank) * NPM_VERSION_STEP_MS : Number.NaN];
  });
}

function group(csv: string, parse: (line: string) => [person: string, item: string, at: number]): Interaction[][] {
  const byPerson = new Map<string, Interaction[]>();
  for (const line of csv.trim().split('\n').slice(1)) {
    if (line.trim() === '') continue;
    const [person, itemId, at] = parse(line.trim());
    if (!Number.isFinite(at)) throw new Error(`bad date or rank in line: ${line}`);
    const list = byPerson.get(person) ?? [];
    list.push({ itemId, kind: 'purchase', at });
    byPerson.set(person, list);
  }
  return [...byPerson.values()];
}
