/**
 * Summary of a V8 `.cpuprofile` (written by `node --cpu-prof`): self time per function (where the
 * CPU actually was), self time per area (Tessera folder, dependency, Node internals, GC, native),
 * and inclusive time of Tessera's own functions (what each step costs with everything it calls).
 * Locations in dist/ are mapped back to src/*.ts through the build's source maps.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export interface FunctionTime {
  name: string;
  location: string;
  area: string;
  ms: number;
  /** Share of busy (non-idle) time, percent. */
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  idlePercent: number;
  topSelf: FunctionTime[];
  areas: Array<{ area: string; ms: number; percent: number }>;
  /** Tessera's functions (src/**) by inclusive time. */
  topInclusive: FunctionTime[];
}

export function summariseCpuProfile(file: string, projectRoot: string, top = 30): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const locate = createLocator(projectRoot);
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const keyOf = new Map<number, { key: string; name: string; location: string; area: string }>();
  for (const node of profile.nodes) {
    const f = node.callFrame;
    const name = f.functionName || '(anonymous)';
    const { location, area } = locate(f, name);
    keyOf.set(node.id, { key: `${name} ${location}`, name, location, area });
  }

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let idleUs = 0;
  let totalUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    const us = profile.timeDeltas[i + 1] ?? 0; // time until the next sample is spent where this one was
    totalUs += us;
    const info = keyOf.get(id)!;
    if (info.name === '(idle)') { idleUs += us; continue; }
    self.set(info.key, (self.get(info.key) ?? 0) + us);
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const k = keyOf.get(n)!;
      if (k.area.startsWith('src/') && !seen.has(k.key)) {
        seen.add(k.key);
        inclusive.set(k.key, (inclusive.get(k.key) ?? 0) + us);
      }
    }
  }
  const busyUs = Math.max(1, totalUs - idleUs);
  const infoByKey = new Map([...keyOf.values()].map((v) => [v.key, v]));
  const rows = (m: Map<string, number>, n: number): FunctionTime[] =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([key, us]) => {
      const info = infoByKey.get(key)!;
      return { name: info.name, location: info.location, area: info.area, ms: Math.round(us / 1000), percent: round1((us / busyUs) * 100) };
    });
  const areas = new Map<string, number>();
  for (const [key, us] of self) {
    const area = infoByKey.get(key)!.area;
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  return {
    totalMs: Math.round(totalUs / 1000),
    idlePercent: round1((idleUs / Math.max(1, totalUs)) * 100),
    topSelf: rows(self, top),
    areas: [...areas].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([area, us]) => ({ area, ms: Math.round(us / 1000), percent: round1((us / busyUs) * 100) })),
    topInclusive: rows(inclusive, top),
  };
}

/** Maps a call frame to a readable location (src/…ts:line when a source map knows it) and an area. */
function createLocator(projectRoot: string) {
  const maps = new Map<string, SourceMap | null>();
  const mapFor = (path: string): SourceMap | null => {
    if (!maps.has(path)) {
      const mapPath = `${path}.map`;
      maps.set(path, existsSync(mapPath) ? new SourceMap(JSON.parse(readFileSync(mapPath, 'utf8'))) : null);
    }
    return maps.get(path)!;
  };
  return (f: CallFrame, name: string): { location: string; area: string } => {
    if (!f.url) return { location: '', area: name.startsWith('(') ? name : '(native or eval: Ajv validators, C++ bindings)' };
    if (f.url.startsWith('node:')) return { location: `${f.url}:${f.lineNumber + 1}`, area: 'node internals' };
    const path = f.url.startsWith('file://') ? fileURLToPath(f.url) : f.url;
    const rel = relative(projectRoot, path);
    const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(rel);
    if (modules) return { location: `${rel.slice(rel.indexOf(modules[1]!))}:${f.lineNumber + 1}`, area: modules[1]! };
    const entry = mapFor(path)?.findEntry(f.lineNumber, f.columnNumber);
    if (entry && 'originalSource' in entry) {
      const source = relative(projectRoot, resolve(dirname(path), entry.originalSource.replace(/^file:\/\//, '')));
      return { location: `${source}:${entry.originalLine + 1}`, area: areaOf(source) };
    }
    return { location: `${rel}:${f.lineNumber + 1}`, area: areaOf(rel) };
  };
}

function areaOf(source: string): string {
  const parts = source.split('/');
  if (parts[0] !== 'src') return parts[0] ?? source;
  if (parts.length <= 2) return 'src';
  if (parts[1] === 'core' || parts[1] === 'storage') return parts.slice(0, 3).join('/').replace(/\.ts$/, '');
  return parts.slice(0, 2).join('/');
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
