import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../config/temp-project';
import { callJson } from '../support/call-json';

const BIN = path.join(REPO_ROOT, 'bin/tunnelforge.js');

/** A real agent process (`tunnelforge start`) on a data dir: the way a person runs it. */
export interface AgentProcess {
  url: string;
  wsUrl: string;
  pid: number;
  instanceId: string;
  /** The local token of the data dir (the same across restarts). */
  token: string;
  child: ChildProcess;
  /** Output of the process so far (JSON log lines and errors). */
  output(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (a crash) and wait until the process is gone. */
  kill9(): Promise<void>;
  api(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }>;
}

/** Start `tunnelforge start` on `dataDir` (port 0) and wait for its ready file; rejects with its output if it exits first. */
export async function startAgentProcess(dataDir: string, cwd: string, extraArgs: string[] = []): Promise<AgentProcess> {
  const readyFile = path.join(cwd, `ready-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--data-dir', dataDir, '--ready-file', readyFile, ...extraArgs], {
    cwd,
    env: { PATH: process.env.PATH, HOME: cwd, TUNNELFORGE_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 20_000;
  while (!existsSync(readyFile)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw Object.assign(new Error(`the agent did not become ready (exit ${child.exitCode}):\n${out}`), { output: out, exitCode: child.exitCode });
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const ready = JSON.parse(readFileSync(readyFile, 'utf8')) as { url: string; instanceId: string };
  rmSync(readyFile, { force: true });
  const token = readFileSync(path.join(dataDir, 'local-token'), 'utf8').trim();
  return {
    url: ready.url,
    wsUrl: ready.url.replace(/^http/, 'ws') + '/ws',
    pid: child.pid!,
    instanceId: ready.instanceId,
    token,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill9() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    api: (method, route, body) => callJson(ready.url + route, token, method, body),
  };
}
