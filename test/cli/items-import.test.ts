/**
 * `tessera items import` as a user runs it (NDJSON and CSV, rejects, usage errors, --skip), and
 * the job in-process (recommendations/import-items.ts) for a store that fails half-way.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { importItems } from '../../src/recommendations/import-items.js';
import { startTessera, type TesseraUnderTest } from '../support/tessera-under-test.js';
import { describeRun, runCli } from './run-cli.js';

let t: TesseraUnderTest;
let dataDir: string;
before(async () => {
  t = await startTessera({ segmentScheduler: false });
  dataDir = t.dataDir;
  await t.tessera.close();
});
after(() => t.close().catch(() => undefined));

const file = (name: string, text: string) => { const path = join(dataDir, name); writeFileSync(path, text); return path; };

describe('tessera items import', () => {
  it('imports NDJSON, rejects bad lines naming every field, writes the reject report, exits 1', async () => {
    const path = file('items.ndjson', [
      JSON.stringify({ id: 'a1', title: 'Alpha', categories: ['IoT'], price: 10 }),
      '',
      'not json',
      JSON.stringify({ id: 'a2', price: -1, currency: 'eur' }),
      JSON.stringify({ id: 'a3', type: 'article', available: false }),
    ].join('\n'));
    const rejects = join(dataDir, 'rejects.ndjson');
    const result = await runCli(['items', 'import', path, '--data-dir', dataDir, '--rejects', rejects]);
    assert.equal(result.code, 1, describeRun(result));
    assert.match(result.stdout, /items imported {3}2 {2}\(2 new, 0 replaced\)/);
    assert.match(result.stdout, /records rejected 2/);
    assert.match(result.stderr, /items: 100%/);
    const report = readFileSync(rejects, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(report.map((r) => r.line), [3, 4]);
    assert.deepEqual(report[1].reasons.map((r: { field: string }) => r.field), ['price', 'currency']);
    const again = await runCli(['items', 'import', path, '--data-dir', dataDir]);
    assert.match(again.stdout, /\(0 new, 2 replaced\)/, 'a re-run replaces, harmlessly');
  });

  it('imports CSV with lists, booleans and properties; an unreadable cell is named with the other bad fields', async () => {
    const path = file('items.csv', 'id,title,categories,price,available,properties.brand\nc1,"Sensor, big",IoT|Sensors,19.90,yes,Acme\nc2,Other,,1.2.3,maybe,\n');
    const result = await runCli(['items', 'import', path, '--data-dir', dataDir, '--rejects', join(dataDir, 'csv-rejects.ndjson')]);
    assert.equal(result.code, 1, describeRun(result));
    const report = JSON.parse(readFileSync(join(dataDir, 'csv-rejects.ndjson'), 'utf8').trim());
    assert.equal(report.line, 3);
    assert.deepEqual(report.reasons.map((r: { field: string }) => r.field), ['price', 'available']);
    assert.match(result.stdout, /items imported {3}1 {2}\(1 new, 0 replaced\)/);
  });

  it('refuses an unknown CSV column and a file of unknown format with exit 2, importing nothing', async () => {
    const path = file('bad.csv', 'id,colour\nx,red\n');
    const result = await runCli(['items', 'import', path, '--data-dir', dataDir]);
    assert.equal(result.code, 2, describeRun(result));
    assert.match(result.stderr, /unknown column "colour"/);
    const txt = await runCli(['items', 'import', file('items.txt', '{}'), '--data-dir', dataDir]);
    assert.equal(txt.code, 2, describeRun(txt));
    assert.match(txt.stderr, /--format/);
    const help = await runCli(['items', 'import', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--skip <n>/);
  });
});

describe('importItems (in-process)', () => {
  it('reads CSV cells into the item\'s fields (quoted commas, | lists, yes/no, properties as text)', async () => {
    const put: unknown[] = [];
    await importItems({
      source: Readable.from([Buffer.from('\uFEFFid,title,categories,price,available,properties.brand\r\nc1,"Sensor, big",IoT| Sensors,19.90,No,Acme\r\n')]), format: 'csv',
      put: async (items) => { put.push(...items); return { created: items.length, replaced: 0 }; },
    });
    assert.deepEqual(put, [{ id: 'c1', title: 'Sensor, big', categories: ['IoT', 'Sensors'], tags: [], price: 19.9, available: false, properties: { brand: 'Acme' } }]);
  });


  const lines = Array.from({ length: 7 }, (_, i) => JSON.stringify({ id: `i${i}` })).join('\n');
  it('stops at a failing write and says how many records are done; --skip continues from there', async () => {
    const written: string[] = [];
    let calls = 0;
    const summary = await importItems({
      source: Readable.from([Buffer.from(lines)]), format: 'ndjson', batchSize: 3,
      put: async (items) => { if (++calls === 2) throw new Error('disk full'); written.push(...items.map((i) => i.id)); return { created: items.length, replaced: 0 }; },
    });
    assert.equal(summary.stopped?.cause, 'failed');
    assert.equal(summary.stopped?.afterRecords, 3);
    assert.deepEqual(written, ['i0', 'i1', 'i2']);
    const resumed = await importItems({
      source: Readable.from([Buffer.from(lines)]), format: 'ndjson', batchSize: 3, skip: 3,
      put: async (items) => { written.push(...items.map((i) => i.id)); return { created: items.length, replaced: 0 }; },
    });
    assert.equal(resumed.stopped, undefined);
    assert.equal(resumed.skipped, 3);
    assert.deepEqual(written, ['i0', 'i1', 'i2', 'i3', 'i4', 'i5', 'i6']);
  });
});
