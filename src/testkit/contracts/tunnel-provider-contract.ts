import assert from 'node:assert/strict';
import type { TunnelProvider, TunnelStatus } from '../../plugin-api';
import { testGlobals } from './test-globals';

/** One TunnelProvider under test, fresh for each test. */
export interface TunnelProviderSubject {
  provider: TunnelProvider;
  /** The local URL to expose (any URL the provider accepts; a fake tool need not reach it). */
  localUrl: string;
  /**
   * Optional: pids of every tool process started so far. After `stop()` each must be gone
   * (checked with `process.kill(pid, 0)`), which proves the provider leaves no orphan.
   */
  pids?(): number[] | Promise<number[]>;
  cleanup(): Promise<void>;
}

function assertStatusShape(provider: TunnelProvider, status: TunnelStatus): void {
  assert.equal(status.id, provider.id, 'status.id is the provider id');
  assert.ok(['starting', 'up', 'down', 'error'].includes(status.state), `status.state is starting|up|down|error (got ${status.state})`);
  assert.ok(status.publicUrl === null || /^https?:\/\/\S+$/.test(status.publicUrl), 'status.publicUrl is a URL or null');
  assert.ok(status.error === null || typeof status.error === 'string', 'status.error is a string or null');
  assert.ok(status.startedAt === null || new Date(status.startedAt).toISOString() === status.startedAt, 'status.startedAt is an ISO time or null');
  if (status.state === 'up') assert.ok(status.publicUrl !== null && status.startedAt !== null, 'an up tunnel has a public URL and a start time');
  if (status.state === 'down') assert.ok(status.publicUrl === null && status.startedAt === null, 'a down tunnel has no URL and no start time');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Declare the `TunnelProvider` contract tests (jest `describe`/`it`; call at the top level of a jest
 * test file): start → up with a URL, repeated and concurrent starts share one run, stop is idempotent
 * and cancels a start in progress, status shape, and `onStatus` events. `setup` runs before each test.
 */
export function describeTunnelProviderContract(name: string, setup: () => Promise<TunnelProviderSubject>, options: { timeoutMs?: number } = {}): void {
  const { describe, it, beforeEach, afterEach } = testGlobals('describeTunnelProviderContract');
  const timeout = options.timeoutMs ?? 20_000;
  describe(`TunnelProvider contract: ${name}`, () => {
    let subject: TunnelProviderSubject | undefined;
    let events: TunnelStatus[] = [];
    const get = () => subject as TunnelProviderSubject;
    const assertNoProcessLeft = async () => {
      for (const pid of (await get().pids?.()) ?? []) assert.equal(alive(pid), false, `tool process ${pid} is gone after stop()`);
    };
    beforeEach(async () => {
      subject = await setup();
      events = [];
      subject.provider.onStatus((status) => events.push(status));
    }, timeout);
    afterEach(async () => {
      try {
        await subject?.provider.stop();
      } finally {
        await subject?.cleanup();
        subject = undefined;
      }
    }, timeout);

    it('is down with no URL before start, and stop() then changes nothing', async () => {
      const { provider } = get();
      assertStatusShape(provider, provider.status());
      assert.equal(provider.status().state, 'down');
      await provider.stop();
      assert.equal(provider.status().state, 'down');
      assert.deepEqual(events, [], 'no status events for a no-op stop');
    }, timeout);

    it('start() resolves up with a public URL, after a starting event', async () => {
      const { provider, localUrl } = get();
      const status = await provider.start(localUrl);
      assertStatusShape(provider, status);
      assert.equal(status.state, 'up');
      assert.match(status.publicUrl ?? '', /^https:\/\//, 'the public URL is https');
      assert.deepEqual(provider.status(), status, 'status() matches what start() resolved with');
      for (const event of events) assertStatusShape(provider, event);
      assert.deepEqual(events.map((e) => e.state), ['starting', 'up']);
      assert.equal(events[1].publicUrl, status.publicUrl);
    }, timeout);

    it('start() while up, and concurrent starts, share one run', async () => {
      const { provider, localUrl } = get();
      const [a, b] = await Promise.all([provider.start(localUrl), provider.start(localUrl)]);
      assert.equal(a.publicUrl, b.publicUrl);
      const again = await provider.start(localUrl);
      assert.equal(again.publicUrl, a.publicUrl);
      assert.equal(events.filter((e) => e.state === 'starting').length, 1, 'one starting event for one run');
    }, timeout);

    it('stop() brings it down, is idempotent, and leaves no process behind', async () => {
      const { provider, localUrl } = get();
      await provider.start(localUrl);
      await provider.stop();
      assertStatusShape(provider, provider.status());
      assert.equal(provider.status().state, 'down');
      const count = events.length;
      await Promise.all([provider.stop(), provider.stop()]);
      assert.equal(events.length, count, 'repeated stops publish nothing');
      assert.equal(events.at(-1)?.state, 'down');
      await assertNoProcessLeft();
    }, timeout);

    it('stop() during start cancels it: start() rejects and the tunnel is down', async () => {
      const { provider, localUrl } = get();
      const starting = provider.start(localUrl);
      const outcome = starting.then(
        () => 'resolved',
        (error: Error) => error.message,
      );
      await provider.stop();
      const result = await outcome;
      // A provider that came up before stop() was processed may resolve; it must still end down.
      if (result !== 'resolved') assert.match(result, /stop/i, 'the rejection says the start was stopped');
      assert.equal(provider.status().state, 'down');
      await assertNoProcessLeft();
    }, timeout);

    it('starts again after a stop', async () => {
      const { provider, localUrl } = get();
      await provider.start(localUrl);
      await provider.stop();
      const second = await provider.start(localUrl);
      assert.equal(second.state, 'up');
    }, timeout);

    it('stops calling a status listener once it is disposed', async () => {
      const { provider, localUrl } = get();
      const seen: string[] = [];
      const subscription = provider.onStatus((s) => seen.push(s.state));
      subscription.dispose();
      subscription.dispose();
      await provider.start(localUrl);
      assert.deepEqual(seen, []);
    }, timeout);
  });
}
