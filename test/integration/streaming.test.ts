import { createHash } from 'node:crypto';
import { ProtocolCodec } from '@tunnelforge/client';
import { TerminalClient } from '../helpers/terminal-client';
import { startAgent, type AgentUnderTest, type WsClient } from './agent-harness';

const MiB = 1024 * 1024;
const SHELL = ['bash', '--norc', '--noprofile'];

describe('streaming over the real uWebSockets.js server', () => {
  let agent: AgentUnderTest;
  beforeAll(async () => {
    // 100 sessions at once below: no per-credential create limit.
    agent = await startAgent({ plugins: { 'core-sessions': { options: { createRateLimit: { creates: 0 } } } } });
  });
  afterAll(async () => {
    await agent.stop();
  });

  async function createSession(body: Record<string, unknown>): Promise<string> {
    const res = await agent.api('POST', '/api/sessions', body);
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  it('delivers a 20 MiB flood byte-exact to 20 clients', async () => {
    const size = 20 * MiB;
    // Waits for a line on stdin, floods, then waits again so the session outlives the test's reads.
    const id = await createSession({ command: ['bash', '--norc', '--noprofile', '-c', `stty -echo; read go; head -c ${size} /dev/zero | tr '\\0' a; read done`] });
    const clients: WsClient[] = [];
    for (let i = 0; i < 20; i++) {
      const client = await agent.connect();
      await client.attach(id, 0);
      clients.push(client);
    }
    // Each client hashes what it receives and checks offsets are contiguous, without keeping it all.
    const results = clients.map((client) => {
      const state = { bytes: 0, next: 0, gaps: 0, hash: createHash('sha256') };
      client.onMessage((m) => {
        if (m.type !== 'output') return;
        if (m.offset !== state.next) state.gaps++;
        state.next = m.offset + m.data.length;
        state.bytes += m.data.length;
        state.hash.update(m.data);
      });
      return state;
    });
    clients[0].input('\r');
    const deadline = Date.now() + 60_000;
    while (results.some((r) => r.bytes < size) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const expected = createHash('sha256').update(Buffer.alloc(size, 'a')).digest('hex');
    for (const r of results) {
      expect(r.gaps).toBe(0);
      expect(r.bytes).toBe(size);
      expect(r.hash.digest('hex')).toBe(expected);
    }
    expect(clients.every((c) => c.messages.every((m) => m.type !== 'snapshot'))).toBe(true);
    await agent.api('DELETE', `/api/sessions/${id}`);
  }, 90_000);

  /** Wait until the session's output has been still for 100 ms and every client has all of it. */
  async function caughtUp(id: string, clients: Array<{ nextOffset: number | null }>): Promise<void> {
    const deadline = Date.now() + 10_000;
    let last = -1;
    for (;;) {
      const end = (await agent.api('GET', `/api/sessions/${id}`)).body.outputBytes as number;
      if (end === last && clients.every((c) => c.nextOffset === end)) return;
      if (Date.now() > deadline) throw new Error(`clients not caught up: end ${end}, clients at ${clients.map((c) => c.nextOffset).join(', ')}`);
      last = end;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it("gives a late joiner the same screen as a client that watched from the start", async () => {
    const id = await createSession({ command: SHELL, cols: 100, rows: 30 });
    const watcherSocket = await agent.connect();
    const watcher = new TerminalClient(watcherSocket, 100, 30);
    await watcherSocket.attach(id, 0);
    // ~30 KB: more than freshReplayBytes (16 KiB), so the joiner gets a SNAPSHOT.
    watcherSocket.input(`for i in $(seq 1 1000); do printf '\\e[3%dmline %d \\e[1mbold\\e[0m\\n' $((i % 8)) $i; done; echo MARK-$((40+2))\r`);
    await watcherSocket.waitForText('MARK-42');
    const joinerSocket = await agent.connect();
    const joiner = new TerminalClient(joinerSocket, 100, 30);
    await joinerSocket.attach(id);
    await joinerSocket.waitFor((m) => m.type === 'snapshot');
    // Both go on receiving live output after the join.
    watcherSocket.input('echo after-$((1+1))\r');
    await watcherSocket.waitForText('after-2');
    await joinerSocket.waitForText('after-2');
    // The shell's next prompt may still be on its way: compare once both hold all the output there is.
    await caughtUp(id, [watcher, joiner]);
    const [a, b] = [await watcher.screen(), await joiner.screen()];
    expect(b).toEqual(a);
    expect(a.join('\n')).toContain('line 1000 bold');
    expect(joiner.problems).toEqual([]);
    expect(watcher.problems).toEqual([]);
    // The joiner got a bounded snapshot, not the history.
    const joinerBytes = joinerSocket.messages.reduce((n, m) => n + (m.type === 'snapshot' || m.type === 'output' ? m.data.length : 0), 0);
    expect(joinerBytes).toBeLessThan(watcherSocket.output().length);
    watcher.dispose();
    joiner.dispose();
    await agent.api('DELETE', `/api/sessions/${id}`);
  }, 30_000);

  it('resumes a reconnect from its last offset with no gap and no duplicate', async () => {
    const id = await createSession({ command: SHELL });
    const steady = await agent.connect();
    await steady.attach(id, 0);
    const flaky = await agent.connect();
    await flaky.attach(id, 0);
    flaky.input('seq 1 3000; echo PART-$((0+1))\r');
    await flaky.waitForText('PART-1');
    const before = flaky.output();
    const lastOffset = before.length;
    flaky.terminate(); // no close frame, like a dropped network
    steady.input('seq 3001 6000; echo PART-$((1+1))\r');
    await steady.waitForText('PART-2');
    const again = await agent.connect();
    const attached = await again.attach(id, lastOffset);
    expect(attached.startOffset).toBe(lastOffset);
    steady.input('echo PART-$((1+2))\r');
    await steady.waitForText('PART-3');
    await again.waitForText('PART-3');
    expect(again.messages.some((m) => m.type === 'snapshot')).toBe(false);
    const firstOutput = again.messages.find((m) => m.type === 'output');
    expect(firstOutput && firstOutput.type === 'output' && firstOutput.offset).toBe(lastOffset);
    expect(Buffer.concat([before, again.output()]).equals(steady.output())).toBe(true);
    await agent.api('DELETE', `/api/sessions/${id}`);
  }, 30_000);

  it('delivers all output and the exit code of 100 of 100 short commands', async () => {
    const payload = 5 * 1024;
    const run = async (i: number) => {
      // printf of exactly 5 KiB, then exit at once: the node-pty tail-loss case.
      const id = await createSession({ command: ['bash', '--norc', '--noprofile', '-c', `printf '%0${payload}d' ${i}; exit 7`] });
      const client = await agent.connect();
      await client.attach(id, 0);
      const exit = await client.waitFor((m) => m.type === 'exit', 15_000);
      const text = client.output().toString('utf8');
      await client.close();
      await agent.api('DELETE', `/api/sessions/${id}`);
      return { ok: text === String(i).padStart(payload, '0') && exit.type === 'exit' && exit.exitCode === 7, length: text.length };
    };
    const outcomes: { ok: boolean; length: number }[] = [];
    for (let batch = 0; batch < 10; batch++) {
      outcomes.push(...(await Promise.all(Array.from({ length: 10 }, (_, k) => run(batch * 10 + k)))));
    }
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(outcomes).toHaveLength(100);
  }, 120_000);

  it('answers bad frames with clear errors and keeps the agent and other clients working', async () => {
    const id = await createSession({ command: SHELL });
    const bystander = await agent.connect();
    await bystander.attach(id, 0);
    const rogue = await agent.connect();
    const errorsBefore = () => rogue.messages.filter((m) => m.type === 'error').length;

    const expectError = async (frame: Uint8Array, code: string) => {
      const from = rogue.messages.length;
      rogue.send(frame);
      const m = await rogue.waitFor((x) => x.type === 'error', 5000, from);
      expect(m).toMatchObject({ type: 'error', code });
    };
    await expectError(Buffer.from([0x7f, 1, 2, 3]), 'TF_ERR_UNKNOWN_OPCODE');
    await expectError(Buffer.concat([Buffer.from([0x01]), Buffer.from('{not json')]), 'TF_ERR_BAD_FRAME');
    await expectError(ProtocolCodec.input('ls\r'), 'TF_ERR_NOT_ATTACHED');
    await expectError(ProtocolCodec.attach({ sessionId: 'no-such-session' }), 'TF_ERR_SESSION_NOT_FOUND');
    await rogue.attach(id);
    await expectError(ProtocolCodec.resize(0, 0), 'TF_ERR_BAD_SIZE');
    await expectError(Buffer.from([0x03, 0x01]), 'TF_ERR_BAD_FRAME'); // resize payload too short
    expect(errorsBefore()).toBeGreaterThanOrEqual(6);

    // 100000 x 100000 does not fit the u16 fields: over HTTP it is a clear 400.
    const huge = await agent.api('POST', `/api/sessions/${id}/resize`, { cols: 100000, rows: 100000 });
    expect(huge.status).toBe(400);
    expect(huge.body.error.code).toBe('TF_ERR_BAD_SIZE');
    const zero = await agent.api('POST', `/api/sessions/${id}/resize`, { cols: 0, rows: 0 });
    expect(zero.status).toBe(400);
    expect((await agent.api('POST', '/api/sessions', '{"command": [')).body.error.code).toBe('TF_ERR_BAD_JSON');
    expect((await agent.api('GET', '/api/sessions/does-not-exist')).status).toBe(404);
    expect((await agent.api('POST', '/api/sessions/does-not-exist/input', { text: 'x' })).status).toBe(404);

    // An oversize frame closes that socket (1009) and nothing else.
    const big = await agent.connect();
    big.send(Buffer.alloc(2 * MiB, 2));
    await new Promise((r) => big.socket.once('close', r));
    expect(big.closed?.code).toBe(1009);

    // Everyone else still works: the rogue client is still attached and the bystander sees echoes.
    rogue.input('echo still-$((20+1))\r');
    await bystander.waitForText('still-21');
    expect((await agent.api('GET', '/api/health')).status).toBe(200);
    await agent.api('DELETE', `/api/sessions/${id}`);
  }, 30_000);
});
