import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { captureIo, waitFor } from '../cli/capture-io';
import { request } from './auth-harness';

describe('a fresh install (no config at all) requires auth and says how to log in', () => {
  test('tunnelforge start: the log names the URL, the user and the password file; the API refuses anonymous calls; the password works', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'tf-fresh-'));
    const dataDir = path.join(home, 'state');
    // An empty folder: no config file, so only the defaults apply (plus a free port and a private data dir).
    const cli = captureIo(home, {});
    const run = runCli(['start', '--port', '0', '--data-dir', dataDir], cli.io);
    try {
      await waitFor(() => cli.stdout().includes('; active plugins'), 15_000);
      const lines = cli.logLines();
      const howTo = lines.find((l) => String(l.msg).startsWith('password login:'));
      expect(howTo).toBeDefined();
      const passwordFile = path.join(dataDir, 'initial-admin-password');
      const url = String(lines.find((l) => String(l.msg).includes('; active plugins'))!.url);
      // The real URL, not the configured port 0: the hint is logged once the agent listens.
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
      expect(howTo!.msg).toBe(`password login: log in at ${url}/ as "admin" with the password in ${passwordFile}`);
      const password = readFileSync(passwordFile, 'utf8').trim();
      expect(statSync(passwordFile).mode & 0o777).toBe(0o600);
      expect(cli.stdout()).not.toContain(password);
      expect(readFileSync(path.join(dataDir, 'admin-password.json'), 'utf8')).not.toContain(password);

      const active = lines.find((l) => String(l.msg).includes('; active plugins'))!.active as string[];
      expect(active).toEqual(expect.arrayContaining(['auth-jwt', 'auth-password', 'auth-token', 'auth-local', 'auth-ws-ticket', 'auth-api']));
      expect(active).not.toContain('auth-none');
      for (const route of ['/api/sessions', '/api/info', '/api/plugins', '/api/tokens']) {
        expect({ route, status: (await request(url + route)).status }).toEqual({ route, status: 401 });
      }
      expect((await request(url + '/api/auth/config')).body).toEqual({ methods: ['password', 'token', 'local'], usernameRequired: false });
      const login = await request(url + '/api/auth/login', { method: 'POST', body: { password } });
      expect(login.status).toBe(200);
      expect((await request(url + '/api/sessions', { token: login.body.token })).status).toBe(200);
    } finally {
      cli.signal('SIGINT');
      expect(await run).toBe(0);
      rmSync(home, { recursive: true, force: true });
    }
  }, 30_000);
});
