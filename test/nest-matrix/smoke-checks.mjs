// What every case of the Nest matrix's smoke test shares (smoke-lib.mjs, smoke-worker.mjs): one
// line per case, which test/integration/nest-matrix.test.ts counts, and deep-equal checks.
import { isDeepStrictEqual } from 'node:util';

/**
 * Runs one case (which resolves `{ passed, failures }`, see `checks`) and prints one `ok` line,
 * or a `FAIL` line for each failure; resolves whether it passed. test/integration/nest-matrix.test.ts
 * counts the `ok` lines, so a case that did not run fails there.
 */
export async function report(label, runOneCase) {
  const result = await runOneCase().catch((error) => ({ passed: 0, failures: [`threw ${error?.stack ?? error}`] }));
  if (result.failures.length === 0) {
    console.log(`ok   ${label}: ${result.passed} checks`);
    return true;
  }
  for (const failure of result.failures) console.log(`FAIL ${label}: ${failure}`);
  return false;
}

/** A case's tally, and `check(name, actual, expected)`, which compares deeply. */
export function checks() {
  const result = { passed: 0, failures: [] };
  const check = (name, actual, expected) => {
    if (isDeepStrictEqual(actual, expected)) result.passed++;
    else result.failures.push(`${name}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  };
  return { result, check };
}

/** Applies a method decorator as TypeScript's `experimentalDecorators` output does. */
export function decorate(decorator, Class, name) {
  const descriptor = Object.getOwnPropertyDescriptor(Class.prototype, name);
  const replaced = decorator(Class.prototype, name, descriptor);
  if (replaced) Object.defineProperty(Class.prototype, name, replaced);
}
