/** The jest globals the contract suites declare their tests with (vitest and mocha-style runners have the same). */
export interface TestGlobals {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => Promise<void> | void, timeoutMs?: number): void;
  beforeEach(fn: () => Promise<void> | void, timeoutMs?: number): void;
  afterEach(fn: () => Promise<void> | void, timeoutMs?: number): void;
}

/**
 * The runner's globals, looked up when a suite is declared rather than imported, so that importing
 * `tunnelforge/testkit` never requires jest. Throws a clear error outside a test file.
 */
export function testGlobals(caller: string): TestGlobals {
  const g = globalThis as Partial<TestGlobals>;
  if (typeof g.describe !== 'function' || typeof g.it !== 'function' || typeof g.beforeEach !== 'function' || typeof g.afterEach !== 'function') {
    throw new Error(`${caller} declares jest tests (describe/it): call it at the top level of a jest test file`);
  }
  return g as TestGlobals;
}
