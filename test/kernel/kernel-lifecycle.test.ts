import { defineCapability, definePlugin, Logger, type PluginDefinition } from 'tunnelforge/plugin';
import { BootError, startTestKernel } from 'tunnelforge/testkit';

interface Greeter { greet(): string }
const Greeter = defineCapability<Greeter>('test.Greeter');
const Counter = defineCapability<{ n: number }>('test.Counter', { multiple: true });

/** A plugin that appends its lifecycle calls to a shared journal. */
function journaled(journal: string[], def: Partial<PluginDefinition<any>> & { id: string }): PluginDefinition<any> {
  return definePlugin<any>({
    apiVersion: 1,
    ...def,
    async activate(ctx) {
      journal.push(`activate ${def.id}`);
      await def.activate?.(ctx);
    },
    async deactivate(ctx) {
      journal.push(`deactivate ${def.id}`);
      await def.deactivate?.(ctx);
    },
  });
}

describe('kernel lifecycle', () => {
  it('activates providers before consumers and deactivates in reverse order', async () => {
    const journal: string[] = [];
    // Declared consumer-first, so only the dependency graph can produce the right order.
    const consumer = journaled(journal, {
      id: 'consumer',
      requires: [Greeter],
      activate: (ctx) => void journal.push(`consumer sees ${ctx.get(Greeter).greet()}`),
    });
    const provider = journaled(journal, {
      id: 'provider',
      provides: [Greeter],
      register: (reg) => reg.provide(Greeter, { deps: { log: Logger }, create: ({ log }) => ({ greet: () => (log ? 'hello' : 'no logger') }) }),
    });
    const tk = await startTestKernel({ plugins: [consumer, provider] });
    expect(tk.plugin('consumer').state).toBe('active');
    expect(tk.plugin('provider').state).toBe('active');
    await tk.stop();
    expect(journal).toEqual(['activate provider', 'activate consumer', 'consumer sees hello', 'deactivate consumer', 'deactivate provider']);
    expect(tk.plugin('consumer').state).toBe('stopped');
  });

  it('stop is idempotent and deactivates each plugin once', async () => {
    const journal: string[] = [];
    const tk = await startTestKernel({ plugins: [journaled(journal, { id: 'a' })] });
    await Promise.all([tk.kernel.stop(), tk.kernel.stop()]);
    await tk.stop();
    expect(journal.filter((j) => j === 'deactivate a')).toHaveLength(1);
  });

  it('names the plugin whose activation times out, and aborts its signal', async () => {
    let aborted = false;
    const slow = definePlugin({
      id: 'slow-one',
      apiVersion: 1,
      required: true,
      activate: (ctx) => new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => { aborted = true; resolve(); })),
    });
    const err = await startTestKernel({ plugins: [slow], config: { plugins: { 'slow-one': { activateTimeoutMs: 50 } } } }).catch((e) => e);
    expect(err).toBeInstanceOf(BootError);
    expect(err.problems).toEqual([expect.objectContaining({ code: 'TF_ERR_ACTIVATE_TIMEOUT', plugin: 'slow-one', message: expect.stringContaining('slow-one') })]);
    expect(aborted).toBe(true);
  });

  it('keeps running, degraded, when an optional plugin fails; deactivates it even so', async () => {
    const journal: string[] = [];
    const broken = journaled(journal, { id: 'broken', activate: () => { throw new Error('disk on fire'); } });
    const fine = journaled(journal, { id: 'fine' });
    const tk = await startTestKernel({ plugins: [broken, fine] });
    expect(tk.kernel.degraded).toBe(true);
    expect(tk.plugin('broken')).toMatchObject({ state: 'failed', reason: expect.stringContaining('disk on fire') });
    expect(tk.plugin('fine').state).toBe('active');
    expect(journal).toContain('deactivate broken');
    expect(tk.logger.entries.some((e) => e.level === 'warn' && e.fields.plugin === 'broken')).toBe(true);
    await tk.stop();
  });

  it('aborts boot when a required plugin fails, after deactivating what had started', async () => {
    const journal: string[] = [];
    const first = journaled(journal, { id: 'first', provides: [Greeter], register: (reg) => reg.provide(Greeter, { create: () => ({ greet: () => 'hi' }) }) });
    const critical = journaled(journal, { id: 'critical', required: true, requires: [Greeter], activate: () => { throw new Error('cannot bind'); } });
    const never = journaled(journal, { id: 'never', requires: [Greeter], optional: [] });
    const err = await startTestKernel({ plugins: [first, critical, never] }).catch((e) => e);
    expect(err).toBeInstanceOf(BootError);
    expect(err.problems[0]).toMatchObject({ code: 'TF_ERR_ACTIVATE_FAILED', plugin: 'critical' });
    expect(journal).toContain('deactivate first');
    expect(journal).not.toContain('activate never');
  });

  it('config can make an optional plugin required', async () => {
    const broken = definePlugin({ id: 'broken', apiVersion: 1, activate: () => { throw new Error('nope'); } });
    await expect(startTestKernel({ plugins: [broken], config: { plugins: { broken: { required: true } } } })).rejects.toBeInstanceOf(BootError);
  });

  it('skips consumers of a provider that failed to activate', async () => {
    const provider = definePlugin({ id: 'p', apiVersion: 1, provides: [Greeter], register: (reg) => reg.provide(Greeter, { create: () => ({ greet: () => 'x' }) }), activate: () => { throw new Error('boom'); } });
    const consumer = definePlugin({ id: 'c', apiVersion: 1, requires: [Greeter], activate: () => { throw new Error('must not run'); } });
    const tk = await startTestKernel({ plugins: [provider, consumer] });
    expect(tk.plugin('c')).toMatchObject({ state: 'failed', reason: expect.stringContaining('test.Greeter') });
    expect(tk.get(Greeter)).toBeUndefined();
    await tk.stop();
  });

  it('gives multiple providers in the configured order', async () => {
    const mk = (id: string, n: number) => definePlugin({ id, apiVersion: 1, provides: [Counter], register: (reg) => reg.provide(Counter, { create: () => ({ n }) }) });
    const tk = await startTestKernel({ plugins: [mk('one', 1), mk('two', 2), mk('three', 3)], config: { capabilities: { 'test.Counter': ['three', 'one'] } } });
    expect(tk.getAll(Counter).map((c) => c.n)).toEqual([3, 1]);
    expect(tk.plugin('two')).toMatchObject({ state: 'skipped', reason: expect.stringContaining('capabilities.test.Counter') });
    await tk.stop();
  });

  it('refuses a plugin that uses a capability it did not declare', async () => {
    const sneaky = definePlugin({ id: 'sneaky', apiVersion: 1, required: true, activate: (ctx) => void ctx.get(Greeter) });
    const err = await startTestKernel({ plugins: [sneaky] }).catch((e) => e);
    expect(err.problems[0].message).toMatch(/without declaring/);
  });

  it('each plugin gets only its own validated config slice, with defaults applied', async () => {
    const { z } = await import('tunnelforge/plugin');
    const seen: unknown[] = [];
    const a = definePlugin({ id: 'a', apiVersion: 1, config: z.object({ region: z.string().default('us'), retries: z.number().int().default(3) }), activate: (ctx) => void seen.push(ctx.config) });
    const b = definePlugin({ id: 'b', apiVersion: 1, activate: (ctx) => void seen.push(ctx.config) });
    const tk = await startTestKernel({ plugins: [a, b], config: { plugins: { a: { options: { region: 'eu' } }, b: { options: { only: 'b' } } } } });
    expect(seen).toEqual([{ region: 'eu', retries: 3 }, { only: 'b' }]);
    await tk.stop();
  });
});
