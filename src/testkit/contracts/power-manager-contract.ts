import assert from 'node:assert/strict';
import type { PowerAssertion, PowerManager, PowerStatus } from '../../plugin-api';
import { testGlobals } from './test-globals';

/** One PowerManager under test, fresh for each test. */
export interface PowerManagerSubject {
  power: PowerManager;
  /**
   * Optional: whether the OS-level mechanism really holds right now (the inhibitor child's pid is
   * alive, the binding was last called with the hold flags). Checked against `status().held`.
   */
  backendHolds?(): boolean | Promise<boolean>;
  /** Release everything the setup created (stop the test kernel). */
  cleanup(): Promise<void>;
}

function assertStatusShape(power: PowerManager, status: PowerStatus): void {
  assert.equal(typeof status.held, 'boolean', 'status.held is a boolean');
  assert.equal(typeof status.backend, 'string');
  assert.ok(status.backend.length > 0, 'status.backend names the mechanism');
  assert.equal(status.backend, power.backend, 'status.backend equals power.backend');
  assert.ok(Array.isArray(status.reasons) && status.reasons.every((r) => typeof r === 'string'), 'status.reasons is a string array');
  assert.ok(!Number.isNaN(Date.parse(status.since)) && new Date(status.since).toISOString() === status.since, 'status.since is an ISO time');
  assert.ok(status.error === null || typeof status.error === 'string', 'status.error is a string or null');
}

/**
 * Declare the `PowerManager` contract tests (jest `describe`/`it`; call at the top level of a jest
 * test file). `setup` runs before every test and must give a fresh, working manager:
 * reference counting, idempotent release, status shape, and consistency under concurrent calls.
 */
export function describePowerManagerContract(name: string, setup: () => Promise<PowerManagerSubject>, options: { timeoutMs?: number } = {}): void {
  const { describe, it, beforeEach, afterEach } = testGlobals('describePowerManagerContract');
  const timeout = options.timeoutMs ?? 15_000;
  describe(`PowerManager contract: ${name}`, () => {
    let subject: PowerManagerSubject | undefined;
    const get = () => subject as PowerManagerSubject;
    const expectHeld = async (held: boolean, context: string) => {
      const status = get().power.status();
      assertStatusShape(get().power, status);
      assert.equal(status.error, null, `${context}: no backend error (${status.error})`);
      assert.equal(status.held, held, `${context}: status.held`);
      if (get().backendHolds) assert.equal(await get().backendHolds?.(), held, `${context}: the OS-level hold matches status.held`);
    };
    beforeEach(async () => {
      subject = await setup();
    }, timeout);
    afterEach(async () => {
      await subject?.cleanup();
      subject = undefined;
    }, timeout);

    it('reports a well-formed status before any assertion: not held, no reasons', async () => {
      assert.equal(get().power.status().reasons.length, 0);
      await expectHeld(false, 'initially');
    }, timeout);

    it('holds from the first assertion until the last one is released (reference counted)', async () => {
      const { power } = get();
      const a = await power.preventSleep('contract a');
      assert.equal(a.reason, 'contract a');
      await expectHeld(true, 'after the first assertion');
      const b = await power.preventSleep('contract b');
      assert.deepEqual([...power.status().reasons].sort(), ['contract a', 'contract b']);
      await a.release();
      await expectHeld(true, 'after releasing one of two');
      assert.deepEqual(power.status().reasons, ['contract b']);
      await b.release();
      await expectHeld(false, 'after releasing both');
      assert.deepEqual(power.status().reasons, []);
    }, timeout);

    it('release is idempotent: releasing one assertion twice never releases another', async () => {
      const { power } = get();
      const a = await power.preventSleep('twice');
      const b = await power.preventSleep('keeper');
      await a.release();
      await a.release();
      await expectHeld(true, 'after a double release of the other assertion');
      assert.deepEqual(power.status().reasons, ['keeper']);
      await b.release();
      await b.release();
      await expectHeld(false, 'after releasing everything (twice)');
    }, timeout);

    it('concurrent assertions and releases settle consistently', async () => {
      const { power } = get();
      const held: PowerAssertion[] = await Promise.all([1, 2, 3, 4, 5].map((n) => power.preventSleep(`concurrent ${n}`)));
      await expectHeld(true, 'after five concurrent assertions');
      assert.equal(power.status().reasons.length, 5);
      await Promise.all(held.map((h) => h.release()));
      await expectHeld(false, 'after five concurrent releases');
      // Hold and release racing each other end released too.
      const racing = power.preventSleep('race');
      await (await racing).release();
      await expectHeld(false, 'after a hold/release race');
    }, timeout);

    it('moves `since` forward when the state changes', async () => {
      const { power } = get();
      const before = Date.parse(power.status().since);
      const a = await power.preventSleep('since');
      const heldSince = Date.parse(power.status().since);
      assert.ok(heldSince >= before, 'since does not go back when held');
      await a.release();
      assert.ok(Date.parse(power.status().since) >= heldSince, 'since does not go back when released');
    }, timeout);
  });
}
