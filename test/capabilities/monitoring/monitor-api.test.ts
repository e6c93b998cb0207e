import { spawn, type ChildProcess } from 'node:child_process';
import { definePlugin, Monitor, type Metric } from 'tunnelforge/plugin';
import { FakeClock, startTestKernel, type TestKernel } from 'tunnelforge/testkit';
import monitorApi from '../../../src/plugins/monitor-api';
import monitorSystem from '../../../src/plugins/monitor-system';
import { FakeSessionManager, fakeSessionsPlugin } from '../support/fake-session-manager';
import { parsePrometheus } from '../support/parse-prometheus';
import { authAs, serverUrl, testHttpPlugin } from '../support/test-http-plugin';
import { waitFor } from '../support/wait-for';

/** A third-party monitor that breaks the rules: it throws when told to and reports bad names. */
const unruly = { fail: false };
function unrulyMonitorPlugin() {
  const monitor: Monitor = {
    id: 'unruly',
    async sample() {
      if (unruly.fail) throw new Error('sensor unplugged');
      const metrics: Metric[] = [
        { name: 'not_prefixed_metric', help: 'bad name', type: 'gauge', values: [{ value: 1 }] },
        { name: 'tunnelforge_unruly_widgets', help: 'widgets', type: 'gauge', values: [{ labels: { color: 'blue "quoted"\nline' }, value: 7 }] },
        // Same family as monitor-system's, same type: merged into one family.
        { name: 'tunnelforge_agent_uptime_seconds', help: 'dup', type: 'gauge', values: [{ labels: { source: 'unruly' }, value: 1 }] },
      ];
      return { monitor: 'unruly', time: new Date().toISOString(), data: { widgets: 7 }, metrics };
    },
  };
  return definePlugin({ id: 'unruly-monitor', apiVersion: 1, provides: [Monitor], register: (reg) => reg.provide(Monitor, { create: () => monitor }) });
}

// Through the real uWebSockets.js server (src/transport) on 127.0.0.1 with real fetch.
describe('monitor-api', () => {
  let tk: TestKernel;
  let url: string;
  let tree: ChildProcess;
  const clock = new FakeClock(Date.now());
  const sessions = new FakeSessionManager();
  beforeAll(async () => {
    tree = spawn('sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore', detached: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    sessions.add('build "main"', tree.pid!);
    tk = await startTestKernel({
      plugins: [testHttpPlugin(), fakeSessionsPlugin(sessions), monitorSystem, unrulyMonitorPlugin(), monitorApi],
      clock,
      config: { plugins: { 'monitor-api': { options: { intervalMs: 1000 } } } },
    });
    url = serverUrl(tk);
  });
  afterAll(async () => {
    await tk.stop();
    process.kill(-tree.pid!, 'SIGKILL'); // the shell and its sleep
  });

  const get = (path: string) => fetch(`${url}${path}`, { headers: authAs('viewer') });
  const rounds = () => tk.events.filter((e) => e.type === 'monitor.sample').length;
  /** One interval on the fake clock, then wait for that round's real I/O to finish. */
  const nextRound = async () => {
    const before = rounds();
    await clock.advance(1000);
    await waitFor(() => rounds() === before + 1, 'the sampling round to finish');
  };

  it('GET /api/monitor answers the latest sample of every monitor (viewer; anonymous is 401)', async () => {
    expect((await fetch(`${url}/api/monitor`)).status).toBe(401);
    const res = await get('/api/monitor');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { intervalMs: number; samples: Array<{ monitor: string; time: string; data: any }> };
    expect(body.intervalMs).toBe(1000);
    expect(body.samples.map((s) => s.monitor).sort()).toEqual(['system', 'unruly']);
    const system = body.samples.find((s) => s.monitor === 'system')!;
    expect(system.data.host.memory.totalBytes).toBeGreaterThan(0);
    expect(system.data.sessions[0]).toMatchObject({ name: 'build "main"', pid: tree.pid });
    expect(system).not.toHaveProperty('metrics');
  });

  it('GET /metrics is Prometheus text with host, per-session and agent metrics', async () => {
    await nextRound(); // a second round, so per-session CPU has something to compare with
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const families = parsePrometheus(await res.text());
    const value = (name: string, labels: Record<string, string> = {}) =>
      families.get(name)?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(families.get('tunnelforge_host_memory_total_bytes')?.type).toBe('gauge');
    expect(value('tunnelforge_host_memory_total_bytes')).toBeGreaterThan(0);
    expect(families.get('tunnelforge_host_cpu_load_percent')?.samples).toHaveLength(1);
    expect(families.get('tunnelforge_host_network_receive_bytes_total')?.type).toBe('counter');
    expect(value('tunnelforge_session_memory_rss_bytes', { session: 'fake-1', name: 'build "main"' })).toBeGreaterThan(0);
    expect(value('tunnelforge_session_processes', { session: 'fake-1' })).toBe(2);
    expect(value('tunnelforge_session_cpu_percent', { session: 'fake-1' })).toBeGreaterThanOrEqual(0);
    expect(value('tunnelforge_agent_event_loop_delay_seconds', { stat: 'p99' })).toBeGreaterThanOrEqual(0);
    expect(value('tunnelforge_agent_memory_rss_bytes')).toBeGreaterThan(0);
    expect(value('tunnelforge_monitor_rounds_total')).toBe(2);
    expect(value('tunnelforge_monitor_sample_duration_seconds', { monitor: 'system' })).toBeGreaterThan(0);
    for (const name of families.keys()) expect(name).toMatch(/^tunnelforge_/);
  });

  it('keeps a broken monitor from breaking the round, /metrics or the others, and says what it dropped', async () => {
    unruly.fail = true;
    await nextRound();
    unruly.fail = false;
    const body = (await (await get('/api/monitor')).json()) as { samples: Array<{ monitor: string; data: any }> };
    expect(body.samples.find((s) => s.monitor === 'unruly')?.data).toEqual({ error: 'sensor unplugged' });
    expect(body.samples.find((s) => s.monitor === 'system')?.data.host).toBeDefined();
    await nextRound(); // and reports again on the next
    const families = parsePrometheus(await (await get('/metrics')).text());
    expect(families.has('not_prefixed_metric')).toBe(false);
    expect(families.get('tunnelforge_unruly_widgets')?.samples[0].labels).toEqual({ color: 'blue "quoted"\nline' });
    expect(families.get('tunnelforge_agent_uptime_seconds')?.samples.map((s) => s.labels.source ?? 'system').sort()).toEqual(['system', 'unruly']);
    expect(tk.logger.entries.filter((e) => e.msg.startsWith('metric family left out of /metrics')).map((e) => e.fields.metric)).toEqual(['not_prefixed_metric']);
  });

  it('publishes one monitor.sample event per round, without metric families', async () => {
    const before = rounds();
    for (let i = 0; i < 3; i++) await nextRound();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const events = tk.events.filter((e) => e.type === 'monitor.sample');
    expect(events.length - before).toBe(3);
    const last = events.at(-1)!.data as { time: string; samples: Array<Record<string, unknown>> };
    expect(last.samples.map((s) => s.monitor).sort()).toEqual(['system', 'unruly']);
    expect(last.samples.every((s) => !('metrics' in s))).toBe(true);
    expect(events.at(-1)!.source).toBe('monitor-api');
  });

  it('GET /api/monitor/stream sends the latest samples at once, then each new round', async () => {
    const controller = new AbortController();
    const res = await fetch(`${url}/api/monitor/stream`, { headers: authAs('viewer'), signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const events = () => text.split('\n\n').filter((block) => block.includes('event: sample'));
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })();
    await waitFor(() => events().length >= 2, 'the latest samples on connect');
    await nextRound();
    await waitFor(() => events().length >= 4, 'the next round on the stream');
    const data = JSON.parse(/data: (.*)/.exec(events()[2])![1]) as { monitor: string; data: unknown };
    expect(['system', 'unruly']).toContain(data.monitor);
    controller.abort();
    await pump;
  });

  it('refuses an interval under one second at boot', async () => {
    await expect(startTestKernel({ plugins: [monitorApi], config: { plugins: { 'monitor-api': { options: { intervalMs: 500 } } } } })).rejects.toMatchObject({
      problems: [expect.objectContaining({ path: 'plugins.monitor-api.options.intervalMs' })],
    });
  });
});
