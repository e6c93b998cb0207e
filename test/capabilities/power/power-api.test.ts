import { PowerManager } from 'tunnelforge/plugin';
import { startTestKernel, type TestKernel } from 'tunnelforge/testkit';
import powerNoop from '../../../src/plugins/power-noop';
import powerPolicy from '../../../src/plugins/power-policy';
import { FakeSessionManager, fakeSessionsPlugin } from '../support/fake-session-manager';
import { authAs, serverUrl, testHttpPlugin } from '../support/test-http-plugin';

// Through the real uWebSockets.js server (src/transport) on 127.0.0.1 with real fetch.
describe('GET/POST /api/power', () => {
  let tk: TestKernel;
  let url: string;
  const sessions = new FakeSessionManager();
  beforeAll(async () => {
    tk = await startTestKernel({
      plugins: [testHttpPlugin(), powerNoop, powerPolicy, fakeSessionsPlugin(sessions)],
      config: { plugins: { 'power-policy': { options: { policy: 'never' } } } },
    });
    url = serverUrl(tk);
  });
  afterAll(() => tk.stop());

  const post = (body: unknown, role: 'admin' | 'viewer' = 'admin') =>
    fetch(`${url}/api/power`, { method: 'POST', headers: { ...authAs(role), 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('needs credentials', async () => {
    expect((await fetch(`${url}/api/power`)).status).toBe(401);
  });

  it('shows a viewer the power state, backend, reasons, since and policy', async () => {
    const res = await fetch(`${url}/api/power`, { headers: authAs('viewer') });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ state: 'released', backend: 'noop', reasons: [], since: expect.any(String), policy: 'never', manual: false, activeSessions: 0, error: null });
    expect(new Date(body.since as string).toISOString()).toBe(body.since);
  });

  it('lets only an admin hold and release by hand, and publishes power.changed', async () => {
    expect((await post({ hold: true }, 'viewer')).status).toBe(403);
    expect(tk.get(PowerManager)!.status().held).toBe(false);

    const held = await post({ hold: true, reason: 'long build' });
    expect(held.status).toBe(200);
    expect(await held.json()).toMatchObject({ state: 'held', manual: true, reasons: ['manual: long build (by test-admin)'] });
    expect(tk.get(PowerManager)!.status().held).toBe(true);
    // Holding twice keeps one manual hold.
    expect(await (await post({ hold: true })).json()).toMatchObject({ reasons: ['manual: long build (by test-admin)'] });

    const released = await post({ hold: false });
    expect(await released.json()).toMatchObject({ state: 'released', manual: false, reasons: [] });
    const changes = tk.events.filter((e) => e.type === 'power.changed').map((e) => e.data as { state: string; manual: boolean });
    expect(changes.slice(-2)).toEqual([expect.objectContaining({ state: 'held', manual: true }), expect.objectContaining({ state: 'released', manual: false })]);
    expect(tk.events.filter((e) => e.type === 'power.changed').every((e) => e.source === 'power-policy')).toBe(true);
  });

  it('refuses a malformed body with 400 and changes nothing', async () => {
    for (const body of [{ hold: 'yes' }, {}, { hold: true, reason: 'x'.repeat(201) }, { hold: true, extra: 1 }]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TF_ERR_BAD_REQUEST');
    }
    expect(tk.get(PowerManager)!.status().held).toBe(false);
  });
});
