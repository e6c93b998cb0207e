import type { Monitor } from 'tunnelforge/plugin';
import { FakeClock, MemoryLogger } from 'tunnelforge/testkit';
import { MonitorHub } from '../../../src/plugins/monitor-api/monitor-hub';

describe('MonitorHub', () => {
  it('a monitor that never answers is reported after the interval and does not stall the others', async () => {
    const clock = new FakeClock();
    const published: unknown[] = [];
    const hanging: Monitor = { id: 'hanging', sample: () => new Promise(() => undefined) };
    let good = 0;
    const fine: Monitor = { id: 'fine', sample: async () => ({ monitor: 'fine', time: new Date(clock.now()).toISOString(), data: { n: ++good }, metrics: [] }) };
    const hub = new MonitorHub([hanging, fine], { clock, events: { publish: (_t: unknown, d: unknown) => void published.push(d), subscribe: () => ({ dispose: () => undefined }) }, log: new MemoryLogger(), intervalMs: 2000 });
    const started = hub.start();
    await clock.advance(2000);
    await started;
    expect(hub.samples()).toEqual([
      { monitor: 'hanging', time: expect.any(String), data: { error: 'sample() did not answer within 2000 ms' } },
      { monitor: 'fine', time: expect.any(String), data: { n: 1 } },
    ]);
    // The next rounds still happen (the interval timer was set after the first round).
    await clock.advance(2000);
    await clock.advance(2000);
    expect(published.length).toBeGreaterThanOrEqual(2);
    hub.stop();
    const rounds = published.length;
    await clock.advance(10_000);
    expect(published.length).toBe(rounds);
  });
});
