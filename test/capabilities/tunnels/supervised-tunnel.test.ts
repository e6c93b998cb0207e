import { SupervisedTunnel, type TunnelLaunch, type TunnelLauncher, type TunnelStatus } from 'tunnelforge/plugin';
import { FakeClock, FakeProcessRunner, MemoryLogger, type FakeManagedProcess } from 'tunnelforge/testkit';

/** A launcher whose runs the test drives: report a URL, print lines, exit. */
class ScriptedLauncher implements TunnelLauncher {
  readonly tool = 'faketool';
  readonly runner = new FakeProcessRunner();
  readonly runs: Array<{ process: FakeManagedProcess; url(url: string): void; closed: number }> = [];
  failNext: Error | null = null;
  /** Resolve launch() only when this is called (to test a stop while launching). */
  hold: (() => void) | null = null;

  async launch(localUrl: string): Promise<TunnelLaunch> {
    if (this.hold) await new Promise<void>((resolve) => (this.hold = resolve));
    if (this.failNext) throw this.failNext;
    const process = this.runner.spawn('faketool', [localUrl]);
    let url!: (value: string) => void;
    const publicUrl = new Promise<string>((resolve) => (url = resolve));
    const run = { process, url, closed: 0 };
    this.runs.push(run);
    return { process, publicUrl, close: () => void run.closed++ };
  }

  explain(line: string): string | null {
    return line.startsWith('ERR ') ? line.slice(4) : null;
  }

  get last() {
    return this.runs[this.runs.length - 1];
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

function setup(options: { urlTimeoutMs?: number; restart?: Record<string, number> } = {}) {
  const clock = new FakeClock();
  const launcher = new ScriptedLauncher();
  const log = new MemoryLogger();
  const tunnel = new SupervisedTunnel({ id: 'fake', launcher, clock, log, urlTimeoutMs: options.urlTimeoutMs ?? 20_000, restart: options.restart });
  const states: TunnelStatus[] = [];
  tunnel.onStatus((s) => states.push(s));
  return { clock, launcher, tunnel, states, log };
}

/** Start and bring the current run up. */
async function up(t: ReturnType<typeof setup>, url = 'https://one.example') {
  const started = t.tunnel.start('http://127.0.0.1:4020');
  await settle();
  t.launcher.last.url(url);
  return started;
}

describe('SupervisedTunnel', () => {
  it('goes starting → up with the URL the launcher reports', async () => {
    const t = setup();
    const status = await up(t);
    expect(status).toEqual({ id: 'fake', state: 'up', publicUrl: 'https://one.example', error: null, startedAt: new Date(t.clock.now()).toISOString() });
    expect(t.states.map((s) => s.state)).toEqual(['starting', 'up']);
    expect(t.launcher.last.process.argv).toEqual(['faketool', 'http://127.0.0.1:4020']);
  });

  it('no URL within the timeout: error, the process is stopped, start() rejects with the reason', async () => {
    const t = setup({ urlTimeoutMs: 5000 });
    const started = t.tunnel.start('http://x');
    const outcome = started.catch((e: Error) => e.message);
    await settle();
    t.launcher.last.process.emit('INF still connecting');
    await t.clock.advance(4999);
    expect(t.tunnel.status().state).toBe('starting');
    await t.clock.advance(1);
    await settle();
    expect(await outcome).toBe('faketool reported no public URL within 5 s (last output: INF still connecting)');
    expect(t.tunnel.status()).toMatchObject({ state: 'error', error: 'faketool reported no public URL within 5 s (last output: INF still connecting)', publicUrl: null });
    expect(t.launcher.last.process.running).toBe(false);
    expect(t.launcher.last.closed).toBe(1);
  });

  it('process exits before a URL: error with the exit code and the last error line', async () => {
    const t = setup();
    const outcome = t.tunnel.start('http://x').catch((e: Error) => e.message);
    await settle();
    t.launcher.last.process.emit('ERR failed to request quick Tunnel');
    t.launcher.last.process.emit('INF shutting down');
    t.launcher.last.process.exit(1);
    expect(await outcome).toBe('faketool exited before reporting a public URL (exit code 1): failed to request quick Tunnel');
    expect(t.tunnel.status().state).toBe('error');
  });

  it('launcher cannot start (binary missing): error with its message, nothing left running', async () => {
    const t = setup();
    t.launcher.failNext = new Error('faketool not found on PATH');
    await expect(t.tunnel.start('http://x')).rejects.toThrow('faketool not found on PATH');
    expect(t.tunnel.status()).toMatchObject({ state: 'error', error: 'faketool not found on PATH' });
    expect(t.launcher.runner.livePids()).toEqual([]);
  });

  it('restarts with exponential back-off when the process dies after being up, then gives up', async () => {
    const t = setup({ restart: { initialDelayMs: 1000, maxDelayMs: 4000, maxAttempts: 4, resetAfterMs: 60_000 } });
    await up(t);
    const delays: string[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      t.launcher.last.process.emit('ERR connection lost');
      t.launcher.last.process.exit(1);
      await settle();
      const error = t.tunnel.status().error ?? '';
      expect(t.tunnel.status().state).toBe('error');
      delays.push(/restarting in (\S+ \S+) \(attempt (\d) of 4\)/.exec(error)?.slice(1).join('#') ?? error);
      const runs = t.launcher.runs.length;
      const delay = Math.min(1000 * 2 ** (attempt - 1), 4000);
      await t.clock.advance(delay - 1);
      expect(t.launcher.runs.length).toBe(runs); // not yet
      await t.clock.advance(1);
      await settle();
      expect(t.launcher.runs.length).toBe(runs + 1);
      expect(t.tunnel.status().state).toBe('starting');
      t.launcher.last.url(`https://run${attempt + 1}.example`);
      await settle();
      expect(t.tunnel.status()).toMatchObject({ state: 'up', publicUrl: `https://run${attempt + 1}.example` });
    }
    expect(delays).toEqual(['1 s#1', '2 s#2', '4 s#3', '4 s#4']);
    t.launcher.last.process.emit('ERR connection lost');
    t.launcher.last.process.exit(1);
    await settle();
    expect(t.tunnel.status().error).toBe('faketool exited unexpectedly (exit code 1): connection lost; gave up after 4 restarts');
    await t.clock.advance(600_000);
    expect(t.launcher.runs.length).toBe(5);
    expect(t.launcher.runner.livePids()).toEqual([]);
  });

  it('a failed restart counts as a failure: the next delay doubles', async () => {
    const t = setup();
    await up(t);
    t.launcher.last.process.exit(1);
    await settle();
    await t.clock.advance(1000);
    await settle();
    t.launcher.last.process.exit(2); // the restart dies before reporting a URL
    await settle();
    expect(t.tunnel.status().error).toMatch(/^faketool exited before reporting a public URL \(exit code 2\); restarting in 2 s \(attempt 2 of 10\)$/);
  });

  it('a run that stayed up long enough resets the back-off', async () => {
    const t = setup({ restart: { initialDelayMs: 1000, resetAfterMs: 10_000 } });
    await up(t);
    t.launcher.last.process.exit(1);
    await settle();
    await t.clock.advance(1000);
    await settle();
    t.launcher.last.url('https://two.example');
    await settle();
    await t.clock.advance(10_000); // stable for a while
    t.launcher.last.process.exit(1);
    await settle();
    expect(t.tunnel.status().error).toMatch(/restarting in 1 s \(attempt 1 of 10\)$/);
  });

  it('stop() during the back-off wait cancels the restart', async () => {
    const t = setup();
    await up(t);
    t.launcher.last.process.exit(1);
    await settle();
    await t.tunnel.stop();
    expect(t.tunnel.status()).toEqual({ id: 'fake', state: 'down', publicUrl: null, error: null, startedAt: null });
    await t.clock.advance(120_000);
    expect(t.launcher.runs.length).toBe(1);
  });

  it('start() during the back-off wait starts at once', async () => {
    const t = setup();
    await up(t);
    t.launcher.last.process.exit(1);
    await settle();
    const again = t.tunnel.start('http://127.0.0.1:4020');
    await settle();
    expect(t.launcher.runs.length).toBe(2);
    t.launcher.last.url('https://now.example');
    expect((await again).publicUrl).toBe('https://now.example');
    await t.clock.advance(120_000);
    expect(t.launcher.runs.length).toBe(2);
  });

  it('stop() while the launcher is still launching: start() rejects, the late process is stopped', async () => {
    const t = setup();
    let release!: () => void;
    t.launcher.hold = () => undefined;
    const outcome = t.tunnel.start('http://x').catch((e: Error) => e.message);
    await settle();
    release = t.launcher.hold;
    t.launcher.hold = null;
    const stopping = t.tunnel.stop();
    release();
    await stopping;
    expect(await outcome).toBe('tunnel fake was stopped before it was up');
    expect(t.tunnel.status().state).toBe('down');
    expect(t.launcher.runs.length).toBe(1);
    expect(t.launcher.last.process.running).toBe(false);
  });

  it('stop() while waiting for the URL: start() rejects, process stopped, state down, and stop is idempotent', async () => {
    const t = setup();
    const outcome = t.tunnel.start('http://x').catch((e: Error) => e.message);
    await settle();
    await Promise.all([t.tunnel.stop(), t.tunnel.stop()]);
    expect(await outcome).toBe('tunnel fake was stopped before it was up');
    expect(t.launcher.last.process.signals).toEqual(['SIGTERM']);
    expect(t.states.map((s) => s.state)).toEqual(['starting', 'down']);
    await t.tunnel.stop();
    expect(t.states.map((s) => s.state)).toEqual(['starting', 'down']);
  });

  it('a start queued behind a stop waits for it, and a later stop cancels it too', async () => {
    const t = setup();
    await up(t);
    const stopping = t.tunnel.stop();
    const queued = t.tunnel.start('http://x').catch((e: Error) => e.message);
    await stopping;
    await settle();
    expect(t.launcher.runs.length).toBe(2);
    await t.tunnel.stop();
    expect(await queued).toBe('tunnel fake was stopped before it was up');
    expect(t.tunnel.status().state).toBe('down');
    expect(t.launcher.runner.livePids()).toEqual([]);
  });

  it('a throwing status listener is logged and does not break the tunnel', async () => {
    const t = setup();
    t.tunnel.onStatus(() => {
      throw new Error('listener bug');
    });
    await expect(up(t)).resolves.toMatchObject({ state: 'up' });
    expect(t.log.messages('error')).toContain('tunnel status listener failed');
  });

  it('stopProvided stops only the SupervisedTunnel with that id', async () => {
    const ours = setup();
    await up(ours);
    const other = setup();
    await up(other); // same class, but another plugin's id below
    const otherTunnel = Object.assign(other.tunnel, { id: 'other' });
    const foreign = { id: 'fake', stop: jest.fn(async () => undefined) }; // not a SupervisedTunnel
    await SupervisedTunnel.stopProvided({ getAll: <T>() => [ours.tunnel, otherTunnel, foreign] as unknown as T[] }, 'fake');
    expect(ours.tunnel.status().state).toBe('down');
    expect(ours.launcher.last.process.signals).toContain('SIGTERM');
    expect(otherTunnel.status().state).toBe('up');
    expect(foreign.stop).not.toHaveBeenCalled();
    await otherTunnel.stop();
  });
});
