import { ProcessHoldBackend, RefCountedPowerManager } from 'tunnelforge/plugin';
import { NodeProcessRunner } from '../../../src/kernel/core/node-process-runner';
import { MemoryLogger } from '../../../src/kernel/logger/memory-logger';

describe('ProcessHoldBackend', () => {
  const runner = new NodeProcessRunner(new MemoryLogger());
  afterAll(() => runner.stopAll());

  it('holds while its child runs and releases by stopping it', async () => {
    const backend = new ProcessHoldBackend('sleeper', runner, () => ['sleep', '30']);
    const power = new RefCountedPowerManager(backend);
    const assertion = await power.preventSleep('test');
    const pid = backend.pid!;
    expect(() => process.kill(pid, 0)).not.toThrow();
    expect(power.status()).toMatchObject({ held: true, backend: 'sleeper', reasons: ['test'], error: null });
    await assertion.release();
    expect(power.status().held).toBe(false);
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('fails to engage, with what the child said, when it exits at once', async () => {
    const power = new RefCountedPowerManager(new ProcessHoldBackend('bad', runner, () => ['sh', '-c', 'echo "Failed to connect to bus" >&2; exit 1']));
    await power.preventSleep('test');
    expect(power.status()).toMatchObject({ held: false, error: expect.stringContaining('Failed to connect to bus') });
  });

  it('stops claiming the hold when the child dies on its own', async () => {
    const backend = new ProcessHoldBackend('sleeper', runner, () => ['sleep', '30']);
    const power = new RefCountedPowerManager(backend);
    await power.preventSleep('test');
    process.kill(backend.pid!, 'SIGKILL');
    const deadline = Date.now() + 5000;
    while (power.status().held && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(power.status()).toMatchObject({ held: false, error: expect.stringContaining('exited while holding') });
  });

  it('reports a missing executable as an engage error', async () => {
    const power = new RefCountedPowerManager(new ProcessHoldBackend('x', runner, async () => { throw new Error('caffeinate not found on PATH'); }));
    await power.preventSleep('test');
    expect(power.status()).toMatchObject({ held: false, error: 'caffeinate not found on PATH' });
  });
});
