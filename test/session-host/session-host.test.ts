import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import path from 'node:path';
import { Terminal } from '@xterm/headless';
import WebSocket from 'ws';
import { ProtocolCodec } from '@tunnelforge/client';
import { HOST_PROTOCOL, HostFrame, HostFrameReader, jsonFrame } from '../../src/sessions/host/host-frames';
import { hostPaths } from '../../src/sessions/host/host-paths';
import { REPO_ROOT, requireBuild } from '../config/temp-project';
import { startAgentProcess, type AgentProcess } from './agent-process';
import { StreamRecorder } from './stream-recorder';
import { waitFor } from '../capabilities/support/wait-for';

// Real processes throughout: `tunnelforge start` as a person runs it (the session host is the
// default), killed with SIGKILL or stopped with SIGTERM, and a new agent on the same data dir.

const BIN = path.join(REPO_ROOT, 'bin/tunnelforge.js');
const LINES = 40_000;
// Prints "line 0".."line N-1" in bursts of 100 every 5 ms, then exits 0: a flood that outlasts a restart.
const COUNTER = `
const count = Number(process.argv[2]);
let i = 0;
function burst() {
  let s = '';
  for (let k = 0; k < 100 && i < count; k++) s += 'line ' + (i++) + '\\n';
  process.stdout.write(s, () => (i < count ? setTimeout(burst, 5) : process.exit(0)));
}
setTimeout(burst, 300);
`;
const expected = (): Buffer => Buffer.from(Array.from({ length: LINES }, (_, i) => `line ${i}\r\n`).join(''));
const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

let dir: string;
let dataDir: string;
let counter: string;
const agents: AgentProcess[] = [];

async function start(args: string[] = []): Promise<AgentProcess> {
  const agent = await startAgentProcess(dataDir, dir, args);
  agents.push(agent);
  return agent;
}

function hostPid(): number | null {
  try {
    return (JSON.parse(readFileSync(hostPaths(dataDir).info, 'utf8')) as { pid: number }).pid;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}


beforeAll(requireBuild);
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tf-host-'));
  dataDir = path.join(dir, 'data');
  counter = path.join(dir, 'counter.js');
  writeFileSync(counter, COUNTER);
});
afterEach(async () => {
  for (const agent of agents.splice(0)) if (agent.child.exitCode === null) await agent.kill9();
  const pid = hostPid();
  if (pid !== null && alive(pid)) process.kill(pid, 'SIGKILL'); // never leave a host behind
  rmSync(dir, { recursive: true, force: true });
});

/** Two clients watch the counter from offset 0; the agent goes away mid-flood; a new one takes over. */
async function survivesRestart(end: (agent: AgentProcess) => Promise<void>): Promise<void> {
  const a = await start();
  const created = await a.api('POST', '/api/sessions', { command: [process.execPath, counter, String(LINES)] });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const clients = [new StreamRecorder(id), new StreamRecorder(id)];
  await Promise.all(clients.map((client) => client.connect(a.wsUrl, a.token)));
  await clients[0].waitFor(() => clients[0].bytes > 60_000);
  await end(a);
  await Promise.all(clients.map((client) => client.waitClosed()));
  const cut = clients.map((client) => client.bytes);

  const b = await start();
  expect(b.instanceId).not.toBe(a.instanceId);
  const adopted = await b.api('GET', `/api/sessions/${id}`);
  expect(adopted.status).toBe(200);
  expect(adopted.body).toMatchObject({ id, hostId: created.body.hostId, createdAt: created.body.createdAt, cols: 80, rows: 24 });
  await Promise.all(clients.map((client) => client.connect(b.wsUrl, b.token)));
  await Promise.all(clients.map((client) => client.waitFor(() => client.exit !== null, 30_000)));

  const whole = sha(expected());
  for (const client of clients) {
    expect(client.problems).toEqual([]);
    expect(client.snapshots).toBe(0); // resumed from offsets, never restarted from a screen
    expect({ bytes: client.bytes, hash: sha(client.all()) }).toEqual({ bytes: expected().length, hash: whole });
    expect(client.exit).toEqual({ exitCode: 0, signal: null });
  }
  // The cut was really mid-stream: bytes came after the restart.
  expect(Math.max(...cut)).toBeLessThan(expected().length);
  for (const client of clients) client.close();
  expect(await b.stop()).toBe(0);
}

describe('sessions outlive the agent (session host)', () => {
  it('(a) kill -9 of the agent mid-flood: a new agent adopts the session; two clients resume and get every byte exactly once', async () => {
    await survivesRestart((agent) => agent.kill9());
  }, 60_000);

  it('(b) the same through a graceful stop (SIGTERM, exit 0) and start', async () => {
    await survivesRestart(async (agent) => expect(await agent.stop()).toBe(0));
  }, 60_000);

  it('(c) a full-screen program (less) shows the same screen to a late joiner before and after the restart', async () => {
    const file = path.join(dir, 'numbers.txt');
    writeFileSync(file, Array.from({ length: 300 }, (_, i) => `row ${i} ${'#'.repeat(i % 50)}`).join('\n'));
    const a = await start();
    const created = await a.api('POST', '/api/sessions', { command: ['less', file], cols: 100, rows: 30, env: { LESS: '', LESSHISTFILE: '-' } });
    const id = created.body.id as string;
    await waitFor(async () => String((await a.api('GET', `/api/sessions/${id}/text`)).body).includes('row 28'), 'less to draw');
    await a.api('POST', `/api/sessions/${id}/input`, { text: ' ' }); // page down: the screen is not the file's start
    await waitFor(async () => String((await a.api('GET', `/api/sessions/${id}/text`)).body).includes('row 40'), 'less to page');
    const before = await lateJoinerScreen(a, id);
    expect(before.join('\n')).toContain('row 40');
    await a.kill9();
    const b = await start();
    const after = await lateJoinerScreen(b, id);
    expect(after).toEqual(before);
    await b.api('POST', `/api/sessions/${id}/input`, { text: 'q' });
    await waitFor(async () => (await b.api('GET', `/api/sessions/${id}`)).body.state === 'exited', 'less to quit');
    await b.stop();
  }, 60_000);

  it('(d) a program that exits while no agent runs is reported with its exit code after adoption', async () => {
    const a = await start();
    const created = await a.api('POST', '/api/sessions', { command: ['sh', '-c', 'sleep 1; exit 7'] });
    await a.kill9();
    await new Promise((r) => setTimeout(r, 1500));
    const b = await start();
    const session = (await b.api('GET', `/api/sessions/${created.body.id}`)).body;
    expect(session).toMatchObject({ state: 'exited', exitCode: 7, signal: null, lost: null });
    expect(Date.parse(session.exitedAt) - Date.parse(session.createdAt)).toBeGreaterThanOrEqual(900);
    await b.stop();
  }, 60_000);

  it('(e) kill -9 of the host: the agent stays up, reports the session lost, and new sessions work on a fresh host', async () => {
    const a = await start();
    const first = (await a.api('POST', '/api/sessions', { command: ['sleep', '60'] })).body;
    const pid = hostPid()!;
    process.kill(pid, 'SIGKILL');
    await waitFor(async () => (await a.api('GET', `/api/sessions/${first.id}`)).body.state === 'exited', 'the session to be reported');
    const lost = (await a.api('GET', `/api/sessions/${first.id}`)).body;
    expect(lost.lost).toMatch(/session host/);
    expect((await a.api('GET', '/api/health')).status).toBe(200);
    const second = await a.api('POST', '/api/sessions', { command: ['sh', '-c', 'echo fresh; sleep 60'] });
    expect(second.status).toBe(201);
    expect(second.body.hostId).not.toBe(first.hostId);
    expect(hostPid()).not.toBe(pid);
    expect(a.output()).toContain('session host is gone');
    expect(await a.stop()).toBe(0);
  }, 60_000);

  it('tunnelforge sessions status|stop-host: says which host runs, ends it and its sessions; the agent reports them ended', async () => {
    const a = await start();
    const session = (await a.api('POST', '/api/sessions', { command: ['sleep', '60'] })).body;
    const pid = hostPid()!;
    const cli = (...args: string[]) => execFileSync(process.execPath, [BIN, 'sessions', ...args, '--data-dir', dataDir], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir }, encoding: 'utf8' });
    expect(cli('status')).toContain(`session host pid ${pid}`);
    expect(cli('stop-host')).toBe(`stopped the session host (pid ${pid}) and its sessions\n`);
    expect(alive(pid)).toBe(false);
    await waitFor(async () => (await a.api('GET', `/api/sessions/${session.id}`)).body.state === 'exited', 'the agent to report the session ended');
    expect(cli('status')).toBe(`no session host runs for ${dataDir}\n`);
    expect(await a.stop()).toBe(0);
  }, 60_000);

  it('GET /api/session-host names the host; POST /api/session-host/stop ends it and its sessions, and the next session starts a new one', async () => {
    const a = await start();
    const session = (await a.api('POST', '/api/sessions', { command: ['sleep', '60'] })).body;
    const host = (await a.api('GET', '/api/session-host')).body;
    expect(host).toMatchObject({ mode: 'host', running: true, pid: hostPid(), hostId: session.hostId });
    const info = (await a.api('GET', '/api/info')).body;
    expect(info.instanceId).toBe(a.instanceId);
    expect((await a.api('POST', '/api/session-host/stop')).body).toEqual({ stopped: true, sessions: 1 });
    await waitFor(() => !alive(host.pid), 'the host process to exit', 5000);
    const ended = (await a.api('GET', `/api/sessions/${session.id}`)).body;
    expect(ended).toMatchObject({ state: 'exited', lost: null });
    expect((await a.api('GET', '/api/session-host')).body).toMatchObject({ mode: 'host', running: false, pid: null });
    const next = await a.api('POST', '/api/sessions', { command: ['sleep', '60'] });
    expect(next.status).toBe(201);
    expect(next.body.hostId).not.toBe(session.hostId);
    expect(await a.stop()).toBe(0);
  }, 60_000);

  it('session state with the PTY in the host: title, the foreground process read through /proc, a finished command', async () => {
    const a = await start();
    const session = (await a.api('POST', '/api/sessions', { command: ['bash', '--norc', '--noprofile', '-i'], env: { PS1: '$ ' } })).body;
    expect(session.hostId).not.toBeNull();
    let agent = a;
    const get = async () => (await agent.api('GET', `/api/sessions/${session.id}`)).body;
    let info = await get();
    const until = (check: () => boolean, what: string, ms: number) => waitFor(async () => {
      info = await get();
      return check();
    }, what, ms);
    await until(() => info.foreground === 'bash', 'the shell in front', 10_000);
    await a.api('POST', `/api/sessions/${session.id}/input`, { text: "printf '\\e]0;hosted title\\a'; sleep 2\r" });
    await until(() => info.foreground === 'sleep', 'sleep in front', 10_000);
    expect(info.title).toBe('hosted title');
    expect(info.active).toBe(true);
    await until(() => info.lastCommand !== null, 'the finished command', 15_000);
    expect(info.lastCommand).toMatchObject({ source: 'foreground', exitCode: null, command: 'sleep' });
    expect(info.lastCommand.durationMs).toBeGreaterThanOrEqual(2000);
    expect(info.foreground).toBe('bash');
    // A new agent adopts the session: the title comes back from the ring, the foreground from /proc.
    expect(await a.stop()).toBe(0);
    const b = await start();
    agent = b;
    await until(() => info.foreground === 'bash', 'the adopted shell in front', 10_000);
    expect(info.title).toBe('hosted title');
    await b.api('DELETE', `/api/sessions/${session.id}`);
    await until(() => info.state === 'exited', 'the session ended', 10_000);
    expect(info).toMatchObject({ foreground: null, active: false });
    expect(await b.stop()).toBe(0);
  }, 60_000);

  it('a recording made by the host keeps what the program printed while no agent ran', async () => {
    const a = await start();
    const created = await a.api('POST', '/api/sessions', { command: ['sh', '-c', 'echo before; sleep 1; echo while-no-agent-ran; sleep 60'], record: true });
    expect(created.body.recording).toBe(true);
    await a.kill9();
    await new Promise((r) => setTimeout(r, 1500));
    const b = await start();
    const session = (await b.api('GET', `/api/sessions/${created.body.id}`)).body;
    expect(session.recording).toBe(true);
    const cast = String((await b.api('GET', `/api/sessions/${created.body.id}/recording`)).body);
    const output = cast.trim().split('\n').slice(1).map((line) => JSON.parse(line) as [number, string, string]).filter((e) => e[1] === 'o').map((e) => e[2]).join('');
    expect(output).toContain('before');
    expect(output).toContain('while-no-agent-ran');
    await b.api('DELETE', `/api/sessions/${created.body.id}`);
    await waitFor(async () => (await b.api('GET', `/api/sessions/${created.body.id}`)).body.state === 'exited', 'the kill');
    await b.api('DELETE', `/api/sessions/${created.body.id}`);
    await waitFor(() => !existsSync(path.join(dataDir, 'recordings', `${created.body.id}.cast`)), 'the recording to be removed with the session', 5000);
    await b.stop();
  }, 60_000);

  it('(f) a second agent on the same data dir refuses to start, naming the running one', async () => {
    const a = await start();
    const error = await startAgentProcess(dataDir, dir).catch((e: Error & { output: string; exitCode: number }) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as { exitCode: number }).exitCode).toBe(1);
    expect((error as { output: string }).output).toContain(`another agent (pid ${a.pid}) runs with the data dir ${dataDir}`);
    expect((await a.api('GET', '/api/health')).status).toBe(200);
    await a.stop();
  }, 60_000);

  it('(g) the socket, secret and info files are 0600; a wrong secret or garbage is refused and the host goes on', async () => {
    const a = await start();
    const session = (await a.api('POST', '/api/sessions', { command: ['sleep', '60'] })).body;
    const paths = hostPaths(dataDir);
    for (const file of [paths.socket, paths.secret, paths.info, paths.lock]) expect({ file, mode: statSync(file).mode & 0o777 }).toEqual({ file, mode: 0o600 });
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);

    const wrong = await rawHello(paths.socket, { protocol: HOST_PROTOCOL, secret: 'f'.repeat(64), agentVersion: 'x', agentInstanceId: 'x' });
    expect(wrong).toMatchObject({ type: HostFrame.REFUSED, body: { code: 'TF_ERR_HOST_SECRET' } });
    const garbage = await rawBytes(paths.socket, Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    expect(garbage.type === 'closed' || garbage.type === HostFrame.REFUSED).toBe(true);
    const otherVersion = await rawHello(paths.socket, { protocol: 99, secret: readFileSync(paths.secret, 'utf8').trim(), agentVersion: 'x', agentInstanceId: 'x' });
    // The real agent is connected: a second agent is refused before its version matters.
    expect(otherVersion).toMatchObject({ type: HostFrame.REFUSED, body: { code: expect.stringMatching(/TF_ERR_HOST_(BUSY|PROTOCOL)/) } });
    expect((await a.api('GET', `/api/sessions/${session.id}`)).body.state).toBe('running');
    await a.stop();
  }, 60_000);
});

/** A late joiner's view: attach without an offset, apply the SNAPSHOT to a headless xterm, read its rows. */
async function lateJoinerScreen(agent: AgentProcess, id: string): Promise<string[]> {
  const socket = new WebSocket(agent.wsUrl, { headers: { authorization: `Bearer ${agent.token}` } });
  socket.binaryType = 'nodebuffer';
  const snapshot = await new Promise<{ cols: number; rows: number; data: Buffer }>((resolve, reject) => {
    socket.once('open', () => socket.send(ProtocolCodec.attach({ sessionId: id })));
    socket.on('message', (data: Buffer) => {
      const message = ProtocolCodec.decodeServer(data);
      if (message.type === 'snapshot') resolve(message);
      if (message.type === 'error') reject(new Error(message.code));
    });
    socket.once('error', reject);
  });
  socket.terminate();
  const term = new Terminal({ cols: snapshot.cols, rows: snapshot.rows, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(snapshot.data, resolve));
  const buffer = term.buffer.active;
  const rows = Array.from({ length: term.rows }, (_, i) => buffer.getLine(buffer.viewportY + i)?.translateToString(true) ?? '');
  term.dispose();
  return rows;
}

type RawAnswer = { type: number; body: Record<string, unknown> } | { type: 'closed' };

function rawBytes(socketPath: string, bytes: Buffer): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    const reader = new HostFrameReader((type, payload) => {
      resolve({ type, body: JSON.parse(payload.toString('utf8')) as Record<string, unknown> });
      socket.destroy();
    }, () => undefined);
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('close', () => resolve({ type: 'closed' }));
    socket.on('error', () => resolve({ type: 'closed' }));
    socket.once('connect', () => socket.write(bytes));
  });
}

function rawHello(socketPath: string, hello: Record<string, unknown>): Promise<RawAnswer> {
  return rawBytes(socketPath, jsonFrame(HostFrame.HELLO, hello));
}
