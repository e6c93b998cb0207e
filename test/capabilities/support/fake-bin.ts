import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Platform } from 'tunnelforge/plugin';
import { SimulatedPlatform } from 'tunnelforge/testkit';

/** The fake executables in test/fakes/bin. */
export type FakeTool = 'cloudflared' | 'ngrok' | 'systemd-inhibit' | 'caffeinate' | 'powershell' | 'tailscale';

const FAKES = path.resolve(__dirname, '../../fakes/bin');
const LOG_VARIABLE: Record<FakeTool, string> = {
  cloudflared: 'FAKE_CLOUDFLARED_ARGV_LOG',
  ngrok: 'FAKE_NGROK_ARGV_LOG',
  'systemd-inhibit': 'FAKE_INHIBIT_LOG',
  caffeinate: 'FAKE_CAFFEINATE_LOG',
  powershell: 'FAKE_POWERSHELL_LOG',
  tailscale: 'FAKE_TAILSCALE_ARGV_LOG',
};

/** A private directory of fake executables, each with its own environment. */
export interface FakeBin {
  /** Directory to use as the (simulated) PATH. */
  readonly dir: string;
  /** A platform whose `which` searches only this directory. */
  platform(platform: Platform): SimulatedPlatform;
  /** Pids of every start of a tool so far (from its argv log). */
  pids(tool: FakeTool): number[];
  /** Every start of a tool: its pid and the raw log line (argv, and for the node fakes a JSON record). */
  starts(tool: FakeTool): Array<{ pid: number; line: string }>;
  cleanup(): void;
}

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * Put wrappers for the chosen fakes in a temp dir: each sets its mode variables and an argv log,
 * then `exec`s the fake, so the pid the agent sees is the fake's. No global PATH change: tests hand
 * `platform()` to the kernel, and the plugins spawn the absolute path it finds.
 */
export function fakeBin(tools: Partial<Record<FakeTool, Record<string, string>>>): FakeBin {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-fakebin-'));
  const logs = new Map<FakeTool, string>();
  for (const [tool, env] of Object.entries(tools) as Array<[FakeTool, Record<string, string>]>) {
    const log = path.join(dir, `${tool}.log`);
    logs.set(tool, log);
    writeFileSync(log, '');
    const vars = { ...(tool === 'ngrok' ? { NGROK_WEB_PORT: '0' } : {}), ...env, [LOG_VARIABLE[tool]]: log, FAKE_MAX_LIFETIME_MS: '60000' };
    const exports = Object.entries(vars).map(([k, v]) => `export ${k}=${quote(v)}`).join('\n');
    writeFileSync(path.join(dir, tool), `#!/bin/sh\n${exports}\nexec ${quote(path.join(FAKES, tool))} "$@"\n`, { mode: 0o755 });
  }
  const starts = (tool: FakeTool) => {
    const log = logs.get(tool);
    if (!log) return [];
    return readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => ({ pid: line.startsWith('{') ? (JSON.parse(line) as { pid: number }).pid : Number(line.split(' ')[0]), line }));
  };
  return {
    dir,
    platform: (platform) => new SimulatedPlatform({ platform, searchPath: dir }),
    starts,
    pids: (tool) => starts(tool).map((s) => s.pid),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
