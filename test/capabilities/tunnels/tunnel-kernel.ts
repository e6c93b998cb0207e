import { TunnelProvider, type PluginDefinition } from 'tunnelforge/plugin';
import { startTestKernel, type TestKernel } from 'tunnelforge/testkit';
import { fakeBin, type FakeBin, type FakeTool } from '../support/fake-bin';

/** A kernel with one tunnel plugin whose tool is a fake from test/fakes/bin. */
export interface TunnelKernel {
  tk: TestKernel;
  bin: FakeBin;
  provider: TunnelProvider;
  cleanup(): Promise<void>;
}

/** Start `plugin` on a simulated Linux whose PATH holds only the fake `tool` with `env`. */
export async function startTunnelKernel(plugin: PluginDefinition<any>, tool: FakeTool, env: Record<string, string> = {}, options: Record<string, unknown> = {}): Promise<TunnelKernel> {
  const bin = fakeBin({ [tool]: env });
  const tk = await startTestKernel({ plugins: [plugin], platform: bin.platform('linux'), config: { plugins: { [plugin.id]: { options } } } });
  const provider = tk.getAll(TunnelProvider)[0];
  if (!provider) {
    await tk.stop();
    bin.cleanup();
    throw new Error(`${plugin.id} did not activate: ${tk.plugin(plugin.id).reason}`);
  }
  return {
    tk,
    bin,
    provider,
    cleanup: async () => {
      await tk.stop();
      bin.cleanup();
    },
  };
}
