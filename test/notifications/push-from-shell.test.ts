import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTestAgent, type TestAgent } from 'tunnelforge/testkit';
import { decryptPush, deviceKeys, TestPushService } from './push-service';

type Payload = { type: string; kind: string; sessionId: string; title: string; body: string };

// The whole path with real parts: a bash in a real PTY rings the bell or finishes a command, the
// agent detects it in the output, the notifications plugin encrypts a push for the subscribed
// device, and the push service on loopback receives what only the device's keys decrypt.

describe('notifications from what real shells do', () => {
  let agent: TestAgent;
  let push: TestPushService;
  let dataDir: string;
  const keys = deviceKeys();

  beforeAll(async () => {
    push = await TestPushService.start();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'tf-push-shell-'));
    agent = await startTestAgent({
      config: {
        dataDir,
        plugins: {
          // Commands of 1 s or more are announced (the default, 5 s, would make this test slow).
          'core-sessions': { options: { commandMinDurationMs: 1000 } },
          notifications: { options: { allowInsecureEndpoints: true, backoffMs: 50, requestTimeoutMs: 2000 } },
        },
      },
    });
    const reply = await agent.as('writer').post('/api/notifications/subscriptions', {
      subscription: { endpoint: push.endpoint('/push/phone'), expirationTime: null, keys: { p256dh: keys.p256dh, auth: keys.auth } },
      name: 'phone',
    });
    expect(reply.status).toBe(201);
  });

  afterAll(async () => {
    await agent?.stop();
    await push?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const shell = async (name: string, env: Record<string, string> = {}) =>
    (await agent.as('writer').post('/api/sessions', { command: ['bash', '--norc', '--noprofile'], name, env: { PS1: '$ ', ...env } })).json as { id: string };
  const type = (id: string, text: string) => agent.as('writer').post(`/api/sessions/${id}/input`, { text });

  test("printf '\\a' in a real bash reaches the phone as a bell push", async () => {
    const session = await shell('build');
    const before = push.receivedAt('/push/phone').length;
    await type(session.id, "printf '\\a'\r");
    const pushes = await push.waitFor('/push/phone', before + 1);
    const payloads = pushes.slice(before).map((p) => decryptPush(p.body, keys) as Payload);
    expect(payloads).toContainEqual(expect.objectContaining({ type: 'session.bell', kind: 'bell', sessionId: session.id, title: 'Bell in build' }));
  });

  test('a command that fails after 2 s in a shell with OSC 133 marks reaches the phone as "Command failed"', async () => {
    // bash marks each command's end with OSC 133 D;<exit code> and its start with C, as shell integrations do.
    const session = await shell('deploy', { PS0: '\\e]133;C\\a', PROMPT_COMMAND: 'printf "\\e]133;D;%s\\a\\e]133;A\\a" $?' });
    const before = push.receivedAt('/push/phone').length;
    await type(session.id, 'sleep 2; false\r');
    let failed: Payload | undefined;
    for (let n = before + 1; failed === undefined; n++) {
      const pushes = await push.waitFor('/push/phone', n, 15_000);
      failed = pushes.slice(before).map((p) => decryptPush(p.body, keys) as Payload).find((p) => p.kind === 'command-finished' && p.sessionId === session.id);
    }
    expect(failed).toMatchObject({ type: 'session.command-finished', title: 'Command failed in deploy' });
    expect(failed!.body).toMatch(/exit 1 after \d+\.\d s/);
    expect(Number(/after (\d+\.\d) s/.exec(failed!.body)![1])).toBeGreaterThanOrEqual(2);
  }, 30_000);
});
