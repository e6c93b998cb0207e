import assert from 'node:assert/strict';
import type { Monitor, MonitorSample } from '../../plugin-api';
import { testGlobals } from './test-globals';

/** One Monitor under test. */
export interface MonitorSubject {
  monitor: Monitor;
  cleanup(): Promise<void>;
}

const METRIC_NAME = /^tunnelforge_[a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Check one sample against the Monitor contract; throws an AssertionError naming the problem. */
export function assertMonitorSample(monitor: Monitor, sample: MonitorSample): void {
  assert.equal(sample.monitor, monitor.id, 'sample.monitor is the monitor id');
  assert.ok(!Number.isNaN(Date.parse(sample.time)) && new Date(sample.time).toISOString() === sample.time, 'sample.time is an ISO time');
  assert.ok(sample.data !== null && typeof sample.data === 'object' && !Array.isArray(sample.data), 'sample.data is an object');
  assert.deepEqual(JSON.parse(JSON.stringify(sample.data)), sample.data, 'sample.data survives JSON (no functions, no undefined, no cycles)');
  assert.ok(Array.isArray(sample.metrics), 'sample.metrics is an array');
  const names = new Set<string>();
  for (const family of sample.metrics) {
    assert.match(family.name, METRIC_NAME, 'metric names are tunnelforge_-prefixed Prometheus names');
    assert.ok(!names.has(family.name), `metric ${family.name} appears once per sample`);
    names.add(family.name);
    assert.ok(typeof family.help === 'string' && family.help.length > 0, `metric ${family.name} has help text`);
    assert.ok(family.type === 'gauge' || family.type === 'counter', `metric ${family.name} is a gauge or a counter`);
    assert.ok(Array.isArray(family.values), `metric ${family.name} has a values array`);
    for (const value of family.values) {
      assert.ok(typeof value.value === 'number' && Number.isFinite(value.value), `metric ${family.name} has finite values`);
      if (family.type === 'counter') assert.ok(value.value >= 0, `counter ${family.name} is not negative`);
      for (const [label, text] of Object.entries(value.labels ?? {})) {
        assert.ok(LABEL_NAME.test(label) && !label.startsWith('__'), `metric ${family.name} label "${label}" is a valid label name`);
        assert.equal(typeof text, 'string', `metric ${family.name} label ${label} is a string`);
      }
    }
  }
}

/**
 * Declare the `Monitor` contract tests (jest `describe`/`it`; call at the top level of a jest test
 * file): sample shape, `tunnelforge_`-prefixed metric families with valid labels, and `sample`
 * never throwing, even when called concurrently.
 */
export function describeMonitorContract(name: string, setup: () => Promise<MonitorSubject>, options: { timeoutMs?: number } = {}): void {
  const { describe, it, beforeEach, afterEach } = testGlobals('describeMonitorContract');
  const timeout = options.timeoutMs ?? 15_000;
  describe(`Monitor contract: ${name}`, () => {
    let subject: MonitorSubject | undefined;
    const get = () => subject as MonitorSubject;
    beforeEach(async () => {
      subject = await setup();
    }, timeout);
    afterEach(async () => {
      await subject?.cleanup();
      subject = undefined;
    }, timeout);

    it('has a non-empty id', () => {
      assert.ok(typeof get().monitor.id === 'string' && get().monitor.id.length > 0);
    });

    it('returns well-formed samples with tunnelforge_ metric families', async () => {
      const { monitor } = get();
      assertMonitorSample(monitor, await monitor.sample());
      const second = await monitor.sample();
      assertMonitorSample(monitor, second);
      assert.ok(second.metrics.length > 0, 'a sample reports at least one metric family');
    }, timeout);

    it('never throws, even when sampled concurrently', async () => {
      const { monitor } = get();
      const results = await Promise.allSettled([monitor.sample(), monitor.sample(), monitor.sample()]);
      for (const result of results) {
        assert.equal(result.status, 'fulfilled', `sample() rejected: ${result.status === 'rejected' ? String(result.reason) : ''}`);
        if (result.status === 'fulfilled') assertMonitorSample(monitor, result.value);
      }
    }, timeout);
  });
}
