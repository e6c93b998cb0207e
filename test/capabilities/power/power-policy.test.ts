import { definePlugin, PowerManager, RefCountedPowerManager, type PluginDefinition } from 'tunnelforge/plugin';
import { startTestKernel, type TestKernel } from 'tunnelforge/testkit';
import powerMacos from '../../../plugins/power-macos/src';
import powerWindows, { ExecutionState, setExecutionStateBindingFactory } from '../../../plugins/power-windows/src';
import powerLinux from '../../../src/plugins/power-linux';
import powerNoop from '../../../src/plugins/power-noop';
import powerPolicy from '../../../src/plugins/power-policy';
import { fakeBin, type FakeBin } from '../support/fake-bin';
import { FakeSessionManager, fakeSessionsPlugin } from '../support/fake-session-manager';
import { processAlive } from '../support/process-alive';
import { waitFor } from '../support/wait-for';

const { ES_CONTINUOUS, ES_SYSTEM_REQUIRED } = ExecutionState;

interface Backend {
  name: string;
  plugin: PluginDefinition<any>;
  platform: 'linux' | 'darwin' | 'win32';
  /** Is the OS-level hold in place right now? */
  holds(): boolean;
  /** How many times the OS-level hold was taken. */
  engagements(): number;
  /** Nothing of the hold is left (no live child; the last Win32 call released). */
  fullyReleased(): boolean;
}

let bin: FakeBin;
const calls: number[] = [];
const backends: Backend[] = [
  {
    name: 'power-linux with a fake systemd-inhibit',
    plugin: powerLinux,
    platform: 'linux',
    holds: () => bin.pids('systemd-inhibit').some(processAlive),
    engagements: () => bin.pids('systemd-inhibit').length,
    fullyReleased: () => !bin.pids('systemd-inhibit').some(processAlive),
  },
  {
    name: 'power-macos with a fake caffeinate',
    plugin: powerMacos,
    platform: 'darwin',
    holds: () => bin.pids('caffeinate').some(processAlive),
    engagements: () => bin.pids('caffeinate').length,
    fullyReleased: () => !bin.pids('caffeinate').some(processAlive),
  },
  {
    name: 'power-windows with a fake koffi binding',
    plugin: powerWindows,
    platform: 'win32',
    holds: () => calls.at(-1) === (ES_CONTINUOUS | ES_SYSTEM_REQUIRED) >>> 0,
    engagements: () => calls.filter((c) => c === (ES_CONTINUOUS | ES_SYSTEM_REQUIRED) >>> 0).length,
    fullyReleased: () => calls.length === 0 || calls.at(-1) === ES_CONTINUOUS >>> 0,
  },
];

function powerEvents(tk: TestKernel): string[] {
  return tk.events.filter((e) => e.type === 'power.changed').map((e) => (e.data as { state: string }).state);
}

describe.each(backends)('power-policy while-sessions on $name', (backend) => {
  let sessions: FakeSessionManager;
  let tk: TestKernel;
  beforeEach(async () => {
    bin = fakeBin({ 'systemd-inhibit': {}, caffeinate: {} });
    calls.length = 0;
    setExecutionStateBindingFactory(() => ({ setThreadExecutionState: (flags) => (calls.push(flags), 1) }));
    sessions = new FakeSessionManager();
    tk = await startTestKernel({ plugins: [backend.plugin, powerNoop, powerPolicy, fakeSessionsPlugin(sessions)], platform: bin.platform(backend.platform) });
    expect(tk.plugin(backend.plugin.id).state).toBe('active');
    expect(tk.plugin('power-policy').state).toBe('active');
  });
  afterEach(async () => {
    await tk.stop();
    setExecutionStateBindingFactory();
    bin.cleanup();
  });

  const power = () => tk.get(PowerManager)!;

  it('holds exactly while a session runs, with one OS-level hold for several sessions', async () => {
    expect(power().status().held).toBe(false);
    expect(backend.holds()).toBe(false);

    const a = sessions.add('a');
    await waitFor(() => power().status().held, 'the hold after the first session started');
    expect(backend.holds()).toBe(true);
    expect(power().status().reasons).toEqual(['policy while-sessions']);

    const b = sessions.add('b');
    sessions.exit(a.id);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(power().status().held).toBe(true);
    expect(backend.engagements()).toBe(1);

    sessions.exit(b.id);
    await waitFor(() => !power().status().held, 'the release after the last session exited');
    expect(backend.fullyReleased()).toBe(true);
    expect(power().status().reasons).toEqual([]);
    expect(powerEvents(tk)).toEqual(['released', 'held', 'released']);
  });

  it('also holds while a client is attached to an exited session', async () => {
    const s = sessions.add('watched');
    sessions.exit(s.id);
    sessions.attach(s.id);
    await waitFor(() => power().status().held, 'the hold while a client is attached');
    sessions.detach(s.id);
    await waitFor(() => !power().status().held, 'the release after the client left');
    expect(backend.fullyReleased()).toBe(true);
  });

  it('releases on shutdown and leaves no child process behind', async () => {
    sessions.add('left running');
    await waitFor(() => power().status().held, 'the hold');
    await tk.stop();
    expect(backend.fullyReleased()).toBe(true);
    for (const pid of [...bin.pids('systemd-inhibit'), ...bin.pids('caffeinate')]) expect(processAlive(pid)).toBe(false);
  });
});

describe('power-policy policies', () => {
  it('always: held from boot until shutdown; never: sessions do not hold', async () => {
    const sessions = new FakeSessionManager();
    const always = await startTestKernel({ plugins: [powerNoop, powerPolicy, fakeSessionsPlugin(sessions)], config: { plugins: { 'power-policy': { options: { policy: 'always' } } } } });
    expect(always.get(PowerManager)!.status()).toMatchObject({ held: true, reasons: ['policy always'] });
    const power = always.get(PowerManager)!;
    await always.stop();
    expect(power.status().held).toBe(false);

    const neverSessions = new FakeSessionManager();
    const never = await startTestKernel({ plugins: [powerNoop, powerPolicy, fakeSessionsPlugin(neverSessions)], config: { plugins: { 'power-policy': { options: { policy: 'never' } } } } });
    neverSessions.add('busy');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(never.get(PowerManager)!.status().held).toBe(false);
    await never.stop();
  });

  it('retries a backend that failed to hold on the next session event', async () => {
    let attempts = 0;
    const flaky = definePlugin({
      id: 'flaky-power',
      apiVersion: 1,
      provides: [PowerManager],
      register: (reg) =>
        reg.provide(PowerManager, {
          create: () =>
            new RefCountedPowerManager({
              name: 'flaky',
              engage: async () => {
                if (attempts++ === 0) throw new Error('inhibitor exited at once');
              },
              release: async () => undefined,
            }),
        }),
    });
    const sessions = new FakeSessionManager();
    const tk = await startTestKernel({ plugins: [flaky, powerPolicy, fakeSessionsPlugin(sessions)] });
    const s = sessions.add('first');
    await waitFor(() => tk.get(PowerManager)!.status().error !== null, 'the failed hold');
    expect(tk.events.filter((e) => e.type === 'power.changed').at(-1)?.data).toMatchObject({ state: 'released', error: 'inhibitor exited at once', activeSessions: 1 });
    sessions.attach(s.id);
    await waitFor(() => tk.get(PowerManager)!.status().held, 'the retried hold');
    expect(tk.get(PowerManager)!.status()).toMatchObject({ held: true, error: null, reasons: ['policy while-sessions'] });
    expect(attempts).toBe(2);
    await tk.stop();
  });

  it('without a SessionManager, while-sessions activates and holds nothing', async () => {
    const tk = await startTestKernel({ plugins: [powerNoop, powerPolicy] });
    expect(tk.plugin('power-policy').state).toBe('active');
    expect(tk.get(PowerManager)!.status().held).toBe(false);
    expect(tk.logger.messages('info')).toContain('no SessionManager is active: the while-sessions policy has no sessions to follow');
    await tk.stop();
  });

  it('rejects an unknown policy name at boot, with the config path', async () => {
    await expect(startTestKernel({ plugins: [powerNoop, powerPolicy], config: { plugins: { 'power-policy': { options: { policy: 'sometimes' } } } } })).rejects.toMatchObject({
      problems: [expect.objectContaining({ code: 'TF_ERR_PLUGIN_CONFIG', path: 'plugins.power-policy.options.policy' })],
    });
  });
});
