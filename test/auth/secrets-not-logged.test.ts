import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ProtocolCodec } from '@tunnelforge/client';
import { Frames, startAuthAgent, upgrade } from './auth-harness';

describe('secrets never reach the logs', () => {
  test('logins (good and bad), refresh, logout, API tokens, WebSocket tickets and share links leave no secret in any log entry', async () => {
    const agent = await startAuthAgent();
    const secrets: string[] = [];
    const keep = (...values: (string | undefined)[]) => {
      for (const value of values) if (value) secrets.push(value);
    };
    try {
      keep(agent.adminPassword!, agent.token, readFileSync(path.join(agent.dataDir, 'jwt-secret'), 'utf8').trim());
      const wrongPassword = 'hunter2-not-the-password';
      keep(wrongPassword);
      expect((await agent.login(wrongPassword, 'admin')).status).toBe(401);
      expect((await agent.login(wrongPassword, 'mallory')).status).toBe(401);
      // A password typed into the user name field is a classic leak.
      expect((await agent.login(wrongPassword, agent.adminPassword!)).status).toBe(401);
      const login = (await agent.login(agent.adminPassword!)).body;
      keep(login.token, login.refreshToken);
      const refreshed = (await agent.call('/api/auth/refresh', { method: 'POST', body: { refreshToken: login.refreshToken } })).body;
      keep(refreshed.token, refreshed.refreshToken);
      expect((await agent.call('/api/auth/refresh', { method: 'POST', body: { refreshToken: login.refreshToken } })).status).toBe(401); // reuse: logged as a warning
      const second = (await agent.login(agent.adminPassword!)).body;
      keep(second.token, second.refreshToken);

      const apiToken = (await agent.call('/api/tokens', { method: 'POST', token: second.token, body: { name: 'script', role: 'writer' } })).body.token as string;
      // The secret part on its own (it may contain `_` itself: base64url).
      keep(apiToken, apiToken.split('_').slice(2).join('_'));
      expect(apiToken.split('_').slice(2).join('_')).toHaveLength(43);
      const session = (await agent.call('/api/sessions', { method: 'POST', token: apiToken, body: { command: ['cat'] } })).body.id;
      const share = (await agent.call(`/api/sessions/${session}/share`, { method: 'POST', token: apiToken, body: {} })).body;
      keep(share.token);
      expect((await agent.call('/api/sessions', { token: share.token })).status).toBe(200);

      const ticket = (await agent.call('/api/auth/ws-ticket', { method: 'POST', token: second.token, body: {} })).body.ticket as string;
      keep(ticket);
      const opened = await upgrade(agent.wsUrl, { protocols: ['tunnelforge.v1', `tunnelforge.ticket.${ticket}`], origin: agent.url });
      if (opened.kind !== 'open') throw new Error('ticket refused');
      const frames = new Frames(opened.socket);
      frames.send(ProtocolCodec.attach({ sessionId: session }));
      await frames.waitFor((m) => m.type === 'attached');
      opened.socket.close();
      expect((await upgrade(agent.wsUrl, { protocols: ['tunnelforge.v1', `tunnelforge.ticket.${ticket}`] })).kind).toBe('refused'); // replay
      const viaBearer = await upgrade(agent.wsUrl, { protocols: ['tunnelforge.v1', `tunnelforge.bearer.${apiToken}`] });
      expect(viaBearer.kind).toBe('open');
      if (viaBearer.kind === 'open') viaBearer.socket.close();
      expect((await agent.call(`/api/sessions?token=${second.token}`)).status).toBe(401);
      expect((await agent.call('/api/auth/logout', { method: 'POST', token: second.token })).status).toBe(204);
      expect((await agent.call('/api/sessions', { token: second.token })).status).toBe(401);

      const entries = agent.tk.logger.entries;
      expect(entries.length).toBeGreaterThan(20);
      expect(entries.some((e) => e.msg === 'login' && e.fields.user === 'admin')).toBe(true); // logins are audited...
      const everything = JSON.stringify(entries);
      expect(secrets.length).toBeGreaterThan(12);
      for (const secret of secrets) {
        expect({ secret: `${secret.slice(0, 6)}…`, logged: everything.includes(secret) }).toEqual({ secret: `${secret.slice(0, 6)}…`, logged: false }); // ...without a single secret
      }
    } finally {
      await agent.stop();
    }
  });
});
