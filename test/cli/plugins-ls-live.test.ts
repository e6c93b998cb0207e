import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/main';
import { startAgent, type AgentUnderTest } from '../integration/agent-harness';
import { captureIo } from './capture-io';

describe('tunnelforge plugins ls against a running agent', () => {
  let agent: AgentUnderTest;
  let cwd: string;
  beforeAll(async () => {
    agent = await startAgent();
    cwd = mkdtempSync(path.join(os.tmpdir(), 'tf-ls-live-'));
  });
  afterAll(async () => {
    await agent.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('shows the live states of the agent found at the configured address with the local token', async () => {
    const port = new URL(agent.url).port;
    const cli = captureIo(cwd, { TUNNELFORGE_PORT: port, TUNNELFORGE_DATA_DIR: agent.tk.dataDir });
    expect(await runCli(['plugins', 'ls', '--json'], cli.io)).toBe(0);
    const reports = JSON.parse(cli.stdout()) as Array<{ id: string; state: string; reason: string | null }>;
    expect(reports.find((r) => r.id === 'core-http')).toMatchObject({ state: 'active', reason: null });
    expect(reports.find((r) => r.id === 'power-noop')?.state).toBe('active');
  });

  it('--dry-run evaluates the config locally instead', async () => {
    const port = new URL(agent.url).port;
    const cli = captureIo(cwd, { TUNNELFORGE_PORT: port, TUNNELFORGE_DATA_DIR: agent.tk.dataDir });
    expect(await runCli(['plugins', 'ls', '--json', '--dry-run'], cli.io)).toBe(0);
    const reports = JSON.parse(cli.stdout()) as Array<{ id: string; state: string }>;
    expect(reports.find((r) => r.id === 'core-http')?.state).toBe('ready');
  });
});
