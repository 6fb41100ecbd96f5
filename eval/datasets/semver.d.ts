/**
 * The two functions of `semver` that build-npm-dependencies.ts uses. `semver` is in node_modules as a
 * dependency of the toolchain, not (yet) a devDependency of ours, and ships no types; to be replaced
 * by `@types/semver` when both are added to package.json.
 */
declare module 'semver' {
  const semver: {
    valid(version: string, loose?: boolean): string | null;
    compare(a: string, b: string, loose?: boolean): -1 | 0 | 1;
  };
  export default semver;
}
