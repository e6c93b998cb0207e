import { defineCapability, definePlugin, z, type PluginDefinition } from 'tunnelforge/plugin';
import { BootError, startTestKernel } from 'tunnelforge/testkit';

const A = defineCapability<object>('test.A');
const B = defineCapability<object>('test.B');
const C = defineCapability<object>('test.C');

function provider(id: string, token: typeof A, extra: Partial<PluginDefinition<any>> = {}): PluginDefinition<any> {
  return definePlugin<any>({ id, apiVersion: 1, provides: [token], register: (reg) => reg.provide(token, { create: () => ({}) }), ...extra });
}

async function bootProblems(plugins: PluginDefinition<any>[], config = {}) {
  const err = await startTestKernel({ plugins, config }).catch((e) => e);
  expect(err).toBeInstanceOf(BootError);
  return (err as BootError).problems;
}

describe('kernel boot problems', () => {
  it('reports a dependency cycle with its path', async () => {
    const problems = await bootProblems([
      provider('pa', A, { requires: [B] }),
      provider('pb', B, { requires: [C] }),
      provider('pc', C, { requires: [A] }),
    ]);
    expect(problems).toEqual([expect.objectContaining({ code: 'TF_ERR_CYCLE', message: 'dependency cycle: pa → pb → pc → pa' })]);
  });

  it('reports a capability nobody provides', async () => {
    const problems = await bootProblems([definePlugin({ id: 'needy', apiVersion: 1, requires: [A] })]);
    expect(problems).toEqual([expect.objectContaining({ code: 'TF_ERR_MISSING_CAPABILITY', plugin: 'needy', message: expect.stringContaining('test.A') })]);
  });

  it('reports two providers of a single capability, and config can pick one', async () => {
    const problems = await bootProblems([provider('one', A), provider('two', A)]);
    expect(problems).toEqual([expect.objectContaining({ code: 'TF_ERR_DUPLICATE_PROVIDER', path: 'capabilities.test.A', message: expect.stringMatching(/one and two/) })]);

    const tk = await startTestKernel({ plugins: [provider('one', A), provider('two', A)], config: { capabilities: { 'test.A': 'two' } } });
    expect(tk.plugin('two').state).toBe('active');
    expect(tk.plugin('one')).toMatchObject({ state: 'skipped', reason: expect.stringContaining('not selected') });
    await tk.stop();
  });

  it('a fallback provider steps aside for a real one, and stays when the real one is skipped', async () => {
    const noop = provider('noop', A, { fallback: true });
    const real = provider('real', A, { platforms: ['darwin'] });
    const onLinux = await startTestKernel({ plugins: [noop, real], platform: 'linux' });
    expect(onLinux.plugin('noop').state).toBe('active');
    await onLinux.stop();
    const onMac = await startTestKernel({ plugins: [noop, real], platform: 'darwin' });
    expect(onMac.plugin('real').state).toBe('active');
    expect(onMac.plugin('noop')).toMatchObject({ state: 'skipped', reason: expect.stringContaining('real provides test.A') });
    await onMac.stop();
  });

  it('collects every problem together, each with a code and the plugin name', async () => {
    const problems = await bootProblems(
      [
        definePlugin({ id: 'future', apiVersion: 2 }),
        definePlugin({ id: 'strict', apiVersion: 1, config: z.object({ port: z.number(), name: z.string() }) }),
        definePlugin({ id: 'needy', apiVersion: 1, requires: [B] }),
        provider('one', A),
        provider('two', A),
      ],
      { plugins: { ghost: { enabled: true }, strict: { options: { port: 'x' } } } },
    );
    const summary = problems.map((p) => [p.code, p.plugin, p.path ?? null]);
    expect(summary).toEqual(expect.arrayContaining([
      ['TF_ERR_UNKNOWN_PLUGIN', 'ghost', 'plugins.ghost'],
      ['TF_ERR_API_VERSION', 'future', null],
      ['TF_ERR_PLUGIN_CONFIG', 'strict', 'plugins.strict.options.port'],
      ['TF_ERR_PLUGIN_CONFIG', 'strict', 'plugins.strict.options.name'],
      ['TF_ERR_MISSING_CAPABILITY', 'needy', null],
      ['TF_ERR_DUPLICATE_PROVIDER', 'one, two', 'capabilities.test.A'],
    ]));
    expect(problems).toHaveLength(6);
  });

  it('reports a plugin that lists a capability but does not provide it', async () => {
    const liar = definePlugin({ id: 'liar', apiVersion: 1, provides: [A] });
    const problems = await bootProblems([liar]);
    expect(problems).toEqual([expect.objectContaining({ code: 'TF_ERR_NOT_PROVIDED', plugin: 'liar' })]);
  });

  it('reports unknown capabilities and plugins in the capabilities selection', async () => {
    const problems = await bootProblems([provider('one', A)], { capabilities: { 'test.Nope': 'one', 'test.A': 'zzz' } });
    expect(problems.map((p) => p.code).sort()).toEqual(['TF_ERR_UNKNOWN_CAPABILITY', 'TF_ERR_UNKNOWN_PLUGIN']);
  });
});
