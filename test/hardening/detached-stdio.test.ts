import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SessionExited } from '../../src/plugin-api';
import { startTestAgent, type TestAgent } from '../../src/testkit';

/**
 * A program that closes its stdio leaves no process holding the PTY's slave side. node-pty then
 * read EIO, closed the master and the kernel hung the terminal up: the program died of SIGHUP ~20 ms
 * after creation. These run the real agent with real PTYs.
 */
describe('a program that detaches its stdio keeps running until it exits', () => {
  let agent: TestAgent;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tf-detach-'));
    agent = await startTestAgent({ plugins: [] });
  });
  afterEach(async () => {
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(script: string): Promise<{ id: string; createdAt: number }> {
    const createdAt = Date.now();
    const created = await agent.as('writer').post('/api/sessions', { command: ['/bin/bash', '-c', script], cwd: dir });
    expect(created.status).toBe(201);
    return { id: created.json.id, createdAt };
  }

  test('exec </dev/null >/dev/null 2>&1; sleep 3; touch marker; exit 5 → exits 5 after ~3 s, marker written', async () => {
    const { id, createdAt } = await run("exec </dev/null >/dev/null 2>&1; sleep 3; touch marker; exit 5");
    const exited = await agent.waitForEvent(SessionExited, (event) => event.data.id === id, 10_000);
    const after = Date.now() - createdAt;
    expect({ exitCode: exited.data.exitCode, signal: exited.data.signal }).toEqual({ exitCode: 5, signal: null });
    expect(after).toBeGreaterThanOrEqual(2900);
    expect(existsSync(path.join(dir, 'marker'))).toBe(true);
    // Still exited with the real code in the session object.
    expect((await agent.as('viewer').get(`/api/sessions/${id}`)).json).toMatchObject({ state: 'exited', exitCode: 5, signal: null });
  }, 15_000);

  test('output it writes later through /dev/tty still arrives, then the exit', async () => {
    const { id } = await run("exec </dev/null >/dev/null 2>&1; sleep 0.5; echo back-on-the-tty >/dev/tty; exit 3");
    const exited = await agent.waitForEvent(SessionExited, (event) => event.data.id === id, 10_000);
    expect(exited.data.exitCode).toBe(3);
    const client = await agent.connect({ as: 'viewer' });
    await client.attach(id);
    await client.waitFor((m) => m.type === 'exit');
    expect(client.text()).toContain('back-on-the-tty');
  }, 15_000);

  test('an ordinary short command still reports its exit at once', async () => {
    const { id, createdAt } = await run('echo hi; exit 7');
    const exited = await agent.waitForEvent(SessionExited, (event) => event.data.id === id, 5000);
    expect(exited.data.exitCode).toBe(7);
    expect(Date.now() - createdAt).toBeLessThan(150); // no 200 ms node-pty socket timeout on the way
  });

  test('killing a detached program ends the session (SIGTERM)', async () => {
    const { id } = await run('exec </dev/null >/dev/null 2>&1; sleep 30');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await agent.as('viewer').get(`/api/sessions/${id}`)).json.state).toBe('running');
    const killed = await agent.as('writer').delete(`/api/sessions/${id}`);
    expect(killed.status).toBe(200);
    expect(killed.json).toMatchObject({ state: 'exited', exitCode: null, signal: 'SIGTERM' });
  });
});
