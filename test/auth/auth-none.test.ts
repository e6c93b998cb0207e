import { BootError } from '../../src/kernel/kernel';
import { loopbackBindProblem } from '../../src/plugins/auth-none/check-loopback-bind';
import { isLoopbackHost } from '../../src/plugins/shared/is-loopback-host';
import { startAuthAgent } from './auth-harness';

describe('auth-none', () => {
  test('loopback-only binds are 127.0.0.0/8, ::1 and localhost; wildcards and other addresses are not', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) expect({ host, loopback: isLoopbackHost(host) }).toEqual({ host, loopback: true });
    for (const host of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', 'localhost.example.com', '::ffff:10.0.0.1', '128.0.0.1', '']) expect({ host, loopback: isLoopbackHost(host) }).toEqual({ host, loopback: false });
    expect(loopbackBindProblem('127.0.0.1')).toBeNull();
    expect(loopbackBindProblem('0.0.0.0')).toMatch(/auth-none admits everyone as admin, and this agent binds "0.0.0.0", which is not loopback-only/);
  });

  test('off by default: skipped with the reason, and requests still need credentials', async () => {
    const agent = await startAuthAgent();
    try {
      expect(agent.tk.plugin('auth-none')).toMatchObject({ state: 'skipped', reason: expect.stringContaining('iKnowWhatIAmDoing') });
      expect((await agent.call('/api/sessions')).status).toBe(401);
    } finally {
      await agent.stop();
    }
  });

  test('enabled on a non-loopback bind (0.0.0.0): the agent refuses to boot with a clear message', async () => {
    const attempt = startAuthAgent({ host: '0.0.0.0', plugins: { 'auth-none': { options: { iKnowWhatIAmDoing: true } } } });
    await expect(attempt).rejects.toThrow(BootError);
    const error = (await attempt.catch((e: unknown) => e)) as BootError;
    expect(error.problems).toEqual([
      expect.objectContaining({ plugin: 'auth-none', message: expect.stringMatching(/binds "0\.0\.0\.0", which is not loopback-only\. Bind 127\.0\.0\.1/) }),
    ]);
  });

  test('enabled on loopback: loud warning; direct local requests are admin; forwarded, rebinding or credentialed-but-bad requests are not', async () => {
    const agent = await startAuthAgent({ plugins: { 'auth-none': { options: { iKnowWhatIAmDoing: true } } } });
    try {
      expect(agent.tk.logger.entries.some((e) => e.level === 'warn' && e.msg.startsWith('AUTHENTICATION IS OFF (auth-none)'))).toBe(true);
      expect((await agent.call('/api/auth/config')).body.methods).toContain('none');
      const me = await agent.call('/api/auth/me');
      expect(me.body).toEqual({ id: 'anonymous-admin', role: 'admin', via: 'auth-none' });
      expect((await agent.call('/api/sessions', { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(401);
      expect((await agent.call('/api/sessions', { headers: { 'cf-connecting-ip': '203.0.113.9' } })).status).toBe(401);
      expect((await agent.call('/api/sessions', { headers: { host: 'attacker.example:4020' } })).status).toBe(401);
      // A bad credential is still refused (it is checked before auth-none, which comes last).
      expect((await agent.call('/api/sessions', { token: 'tft_000000000000_' + 'A'.repeat(43) })).status).toBe(401);
    } finally {
      await agent.stop();
    }
  });
});
