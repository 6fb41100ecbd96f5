/** The CSV readers of the public evaluation data sets (eval/datasets/readers.ts), on small fixtures. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { NPM_EPOCH, NPM_VERSION_STEP_MS, readFlights, readNpmDependencies } from '../../eval/datasets/readers.js';
import { splitLeaveLastOut } from '../../src/core/recommendations/evaluate.js';

it('reads npm dependencies: a project per person, each dependency a purchase in version order; the one adopted last is held out', () => {
  const csv = 'project,dependency,version_rank,first_version\nexpress,debug,1,0.2.0\nexpress,qs,1,0.2.0\nexpress,cookie,12,1.0.0rc\n@scope/tool,lodash,3,2.0.0\n@scope/tool,chalk,0,1.0.0\n';
  const people = readNpmDependencies(csv);
  assert.equal(people.length, 2);
  const at = (rank: number) => NPM_EPOCH + rank * NPM_VERSION_STEP_MS;
  assert.deepEqual(people[0], [
    { itemId: 'debug', kind: 'purchase', at: at(1) }, { itemId: 'qs', kind: 'purchase', at: at(1) },
    { itemId: 'cookie', kind: 'purchase', at: at(12) },
  ]);
  assert.equal(splitLeaveLastOut(people[0]!)!.heldOut.itemId, 'cookie');
  assert.equal(splitLeaveLastOut(people[1]!)!.heldOut.itemId, 'lodash');
  assert.throws(() => readNpmDependencies('project,dependency,version_rank,first_version\na,b,-1,1.0.0\n'), /bad date or rank/);
});

it('reads flights: origin airports as people, each destination a purchase', () => {
  const people = readFlights('date,origin,destination\n2001-01-01T06:00:00Z,SFO,LAX\n2001-01-02T06:00:00Z,SFO,SEA\n2001-01-01T07:00:00Z,LAX,SFO\n');
  assert.deepEqual(people.map((p) => p.map((i) => i.itemId)), [['LAX', 'SEA'], ['SFO']]);
});
