/**
 * Test data (not code) from GrowthBook's published SDK test cases: growthbook/growthbook,
 * packages/sdk-js/test/cases.json (specVersion 0.5.4), sections `hash`, `getBucketRange`, `chooseVariation`,
 * `inNamespace` and `getEqualWeights`. Every GrowthBook SDK must pass these; the tuples keep the file's layout.
 */

/** [seed, value, hash version, expected position or null] */
export const HASH_CASES: Array<[string, string, number, number | null]> = [
  ['', 'a', 1, 0.22],
  ['', 'b', 1, 0.077],
  ['b', 'a', 1, 0.946],
  ['ef', 'd', 1, 0.652],
  ['asdf', '8952klfjas09ujk', 1, 0.549],
  ['', '123', 1, 0.011],
  ['', '___)((*":&', 1, 0.563],
  ['seed', 'a', 2, 0.0505],
  ['seed', 'b', 2, 0.2696],
  ['foo', 'ab', 2, 0.2575],
  ['foo', 'def', 2, 0.2019],
  ['89123klj', '8952klfjas09ujkasdf', 2, 0.124],
  ['90850943850283058242805', '123', 2, 0.7516],
  ['()**(%$##$%#$#', '___)((*":&', 2, 0.0128],
  ['abc', 'def', 99, null],
];

/** [name, [variation count, coverage, weights or null], expected ranges] */
export const BUCKET_RANGE_CASES: Array<[string, [number, number, number[] | null], Array<[number, number]>]> = [
  ['normal 50/50', [2, 1, null], [[0, 0.5], [0.5, 1]]],
  ['reduced coverage', [2, 0.5, null], [[0, 0.25], [0.5, 0.75]]],
  ['zero coverage', [2, 0, null], [[0, 0], [0.5, 0.5]]],
  ['4 variations', [4, 1, null], [[0, 0.25], [0.25, 0.5], [0.5, 0.75], [0.75, 1]]],
  ['uneven weights', [2, 1, [0.4, 0.6]], [[0, 0.4], [0.4, 1]]],
  ['uneven weights, 3 variations', [3, 1, [0.2, 0.3, 0.5]], [[0, 0.2], [0.2, 0.5], [0.5, 1]]],
  ['uneven weights, reduced coverage, 3 variations', [3, 0.2, [0.2, 0.3, 0.5]], [[0, 0.04], [0.2, 0.26], [0.5, 0.6]]],
  ['negative coverage', [2, -0.2, null], [[0, 0], [0.5, 0.5]]],
  ['coverage above 1', [2, 1.5, null], [[0, 0.5], [0.5, 1]]],
  ['weights sum below 1', [2, 1, [0.4, 0.1]], [[0, 0.5], [0.5, 1]]],
  ['weights sum above 1', [2, 1, [0.7, 0.6]], [[0, 0.5], [0.5, 1]]],
  ['weights.length not equal to num variations', [4, 1, [0.4, 0.4, 0.2]], [[0, 0.25], [0.25, 0.5], [0.5, 0.75], [0.75, 1]]],
  ['weights sum almost equals 1', [2, 1, [0.4, 0.5999]], [[0, 0.4], [0.4, 0.9999]]],
];

/** [name, position, ranges, expected variation index or -1] */
export const CHOOSE_VARIATION_CASES: Array<[string, number, Array<[number, number]>, number]> = [
  ['even range, 0.2', 0.2, [[0, 0.5], [0.5, 1]], 0],
  ['even range, 0.4', 0.4, [[0, 0.5], [0.5, 1]], 0],
  ['even range, 0.6', 0.6, [[0, 0.5], [0.5, 1]], 1],
  ['even range, 0.8', 0.8, [[0, 0.5], [0.5, 1]], 1],
  ['even range, 0', 0, [[0, 0.5], [0.5, 1]], 0],
  ['even range, 0.5', 0.5, [[0, 0.5], [0.5, 1]], 1],
  ['reduced range, 0.2', 0.2, [[0, 0.25], [0.5, 0.75]], 0],
  ['reduced range, 0.4', 0.4, [[0, 0.25], [0.5, 0.75]], -1],
  ['reduced range, 0.6', 0.6, [[0, 0.25], [0.5, 0.75]], 1],
  ['reduced range, 0.8', 0.8, [[0, 0.25], [0.5, 0.75]], -1],
  ['reduced range, 0.25', 0.25, [[0, 0.25], [0.5, 0.75]], -1],
  ['reduced range, 0.5', 0.5, [[0, 0.25], [0.5, 0.75]], 1],
  ['zero range', 0.5, [[0, 0.5], [0.5, 0.5], [0.5, 1]], 2],
];

/** [name, unit value, [namespace id, start, end], expected] */
export const IN_NAMESPACE_CASES: Array<[string, string, [string, number, number], boolean]> = [
  ['user 1, namespace1, 1', '1', ['namespace1', 0, 0.4], false],
  ['user 1, namespace1, 2', '1', ['namespace1', 0.4, 1], true],
  ['user 1, namespace2, 1', '1', ['namespace2', 0, 0.4], false],
  ['user 1, namespace2, 2', '1', ['namespace2', 0.4, 1], true],
  ['user 2, namespace1, 1', '2', ['namespace1', 0, 0.4], false],
  ['user 2, namespace1, 2', '2', ['namespace1', 0.4, 1], true],
  ['user 2, namespace2, 1', '2', ['namespace2', 0, 0.4], false],
  ['user 2, namespace2, 2', '2', ['namespace2', 0.4, 1], true],
  ['user 3, namespace1, 1', '3', ['namespace1', 0, 0.4], false],
  ['user 3, namespace1, 2', '3', ['namespace1', 0.4, 1], true],
  ['user 3, namespace2, 1', '3', ['namespace2', 0, 0.4], true],
  ['user 3, namespace2, 2', '3', ['namespace2', 0.4, 1], false],
  ['user 4, namespace1, 1', '4', ['namespace1', 0, 0.4], false],
  ['user 4, namespace1, 2', '4', ['namespace1', 0.4, 1], true],
  ['user 4, namespace2, 1', '4', ['namespace2', 0, 0.4], true],
  ['user 4, namespace2, 2', '4', ['namespace2', 0.4, 1], false],
];

/** [count, expected weights (GrowthBook rounds to 8 decimals when comparing)] */
export const EQUAL_WEIGHTS_CASES: Array<[number, number[]]> = [
  [-1, []],
  [0, []],
  [1, [1]],
  [2, [0.5, 0.5]],
  [3, [0.33333333, 0.33333333, 0.33333333]],
  [4, [0.25, 0.25, 0.25, 0.25]],
];

/** From the `run` section: [unit id, weights or null, coverage or null, expected variation, in experiment] for key "my-test". */
export const RUN_CASES: Array<[string, number[] | null, number | null, number, boolean]> = [
  ['1', null, null, 1, true], ['2', null, null, 0, true], ['3', null, null, 0, true], ['4', null, null, 1, true],
  ['5', null, null, 1, true], ['6', null, null, 1, true], ['7', null, null, 0, true], ['8', null, null, 1, true], ['9', null, null, 0, true],
  ['1', [0.1, 0.9], null, 1, true], ['2', [0.1, 0.9], null, 1, true], ['3', [0.1, 0.9], null, 0, true], ['4', [0.1, 0.9], null, 1, true],
  ['5', [0.1, 0.9], null, 1, true], ['6', [0.1, 0.9], null, 1, true], ['7', [0.1, 0.9], null, 0, true], ['8', [0.1, 0.9], null, 1, true], ['9', [0.1, 0.9], null, 1, true],
  ['1', null, 0.4, 0, false], ['2', null, 0.4, 0, true], ['3', null, 0.4, 0, true], ['4', null, 0.4, 0, false],
  ['5', null, 0.4, 1, true], ['6', null, 0.4, 0, false], ['7', null, 0.4, 0, true], ['8', null, 0.4, 1, true],
];
