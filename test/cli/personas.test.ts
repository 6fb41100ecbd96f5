/** `tessera personas fit|list|schedule` as a user runs them, on a real SQLite store prepared by the real app. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { describeRun, runCli } from './run-cli.js';

const T0 = Date.UTC(2026, 0, 5);
let t: TesseraUnderTest;
let dataDir: string;
before(async () => {
  t = await startTessera({ segmentScheduler: false });
  dataDir = t.dataDir;
  const batch = [];
  for (const [gi, g] of [{ name: 'factory', hour: 20 }, { name: 'energy', hour: 8 }].entries()) {
    for (let i = 0; i < 25; i++) {
      for (let v = 0; v < 3; v++) batch.push({ type: 'page', anonymousId: `${g.name}-${i}`, properties: { url: `https://x.test/${g.name}/p${v}` }, timestamp: new Date(T0 + g.hour * 3_600_000 + v * 60_000 + i * 1000 + gi).toISOString() });
    }
  }
  const res = await t.collect('/v1/batch', { batch });
  assert.equal(res.statusCode, 200, res.body);
  await t.tessera.store.configs.put('default', 'personas', { profilingPurposes: ['analytics'], categories: ['factory', 'energy'] }, Date.now());
  await t.tessera.close();
});
after(() => t.close().catch(() => undefined));

describe('tessera personas', () => {
  it('fits the personas and assigns every profile, reporting progress on stderr', async () => {
    const result = await runCli(['personas', 'fit', '--data-dir', dataDir]);
    assert.equal(result.code, 0, describeRun(result));
    assert.match(result.stdout, /Fitted persona model 1: 2 personas from 50 profiles; 50 assigned, 0 unassigned, 0 without a legal basis/);
    assert.match(result.stdout, /share of factory content/);
    assert.match(result.stderr, /personas: assign 50\/50/);
    const listed = await runCli(['personas', 'list', '--data-dir', dataDir, '--json']);
    assert.equal(listed.code, 0, describeRun(listed));
    assert.equal(JSON.parse(listed.stdout).personas.length, 2);
  });

  it('exits 3 with the reason when no model can be fitted', async () => {
    const result = await runCli(['personas', 'fit', '--data-dir', dataDir, '--workspace', 'nobody-here']);
    assert.equal(result.code, 3, describeRun(result));
    assert.match(result.stderr, /No personas were fitted: no profiles to fit/);
  });

  it('shows and sets the fit schedule, counted from the last fit (the command line\'s fit counts)', async () => {
    const shown = await runCli(['personas', 'schedule', '--data-dir', dataDir]);
    assert.equal(shown.code, 0, describeRun(shown));
    assert.match(shown.stdout, /^every 24 h; last fit \d{4}-\d\d-\d\dT[\d:.]+Z; next \d{4}-/);
    const off = await runCli(['personas', 'schedule', '--data-dir', dataDir, '--every-hours', '0']);
    assert.equal(off.code, 0, describeRun(off));
    assert.match(off.stdout, /^every never \(on demand only\); last fit .*; next none/);
    const bad = await runCli(['personas', 'schedule', '--data-dir', dataDir, '--every-hours', '-3']);
    assert.equal(bad.code, 2, describeRun(bad));
  });

  it('refuses a bad --sample with exit 2', async () => {
    const result = await runCli(['personas', 'fit', '--data-dir', dataDir, '--sample', '1e400']);
    assert.equal(result.code, 2, describeRun(result));
  });
});
