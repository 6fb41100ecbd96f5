/** jsonProblems: the one walk over a parsed request body or import line (src/core/json-problems.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonProblems, NON_FINITE_REASON, PROTO_KEY_REASON, tooDeepReason } from '../../src/core/json-problems.js';

const options = { maxDepth: 5, wholeField: 'body' };
const fields = (text: string, extra: Partial<typeof options & { maxIssues: number }> = {}) => jsonProblems(JSON.parse(text), { ...options, ...extra })?.map((i) => i.field) ?? null;

describe('jsonProblems', () => {
  it('finds nothing in clean input, large finite numbers included', () => {
    assert.equal(jsonProblems(JSON.parse('{"a":[1,{"b":1.7976931348623157e308,"c":-5e-324}],"d":null,"e":"1e400"}'), options), null);
  });

  it('names every number beyond a double by its path: keys with dots, indexes in brackets', () => {
    assert.deepEqual(fields('{"batch":[{"p":{"x":1e400}},{"p":{"list":[0,-1e400]}}],"n":1E309}'), ['batch[0].p.x', 'batch[1].p.list[1]', 'n']);
    assert.deepEqual(fields('[1e400]'), ['[0]']);
    assert.deepEqual(fields('1e400'), ['body']);
    assert.equal(jsonProblems(JSON.parse('{"a":1e400}'), options)![0]!.reason, NON_FINITE_REASON);
  });

  it('lists at most maxIssues of them', () => {
    assert.equal(fields(`[${Array(50).fill('1e400').join(',')}]`, { maxIssues: 7 })!.length, 7);
  });

  it('reports nesting and prototype keys as a problem of the whole input, alone', () => {
    assert.deepEqual(jsonProblems(JSON.parse('{"x":1e400,"a":[[[[[[1]]]]]]}'), options), [{ field: 'body', reason: tooDeepReason(5) }]);
    assert.deepEqual(jsonProblems(JSON.parse('{"x":1e400,"a":{"__proto__":{}}}'), options), [{ field: 'body', reason: PROTO_KEY_REASON }]);
    assert.deepEqual(jsonProblems(JSON.parse('{"constructor":{"prototype":{}}}'), { ...options, wholeField: '' }), [{ field: '', reason: PROTO_KEY_REASON }]);
  });
});
