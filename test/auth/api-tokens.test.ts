import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/main';
import type { CliInput } from '../../src/cli/cli-io';
import { ApiTokenFile } from '../../src/plugins/auth-token/api-token-file';
import { parsePasswordHash, verifyPassword } from '../../src/plugins/auth-password/password-hash';
import { captureIo } from '../cli/capture-io';
import { startAuthAgent, type AuthAgent } from './auth-harness';

/** Poll `probe` until it answers `want` (the agent looks at the token file at most once a second). */
async function eventually(probe: () => Promise<number>, want: number, withinMs = 2500): Promise<number> {
  const deadline = Date.now() + withinMs;
  let got = await probe();
  while (got !== want && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    got = await probe();
  }
  return got;
}

/** Run the CLI in an empty project folder (no config file: defaults, like a fresh install). */
async function cli(args: string[], stdin?: CliInput): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo(os.tmpdir(), {}, stdin === undefined ? {} : { stdin });
  const code = await runCli(args, io.io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe('tunnelforge token create|ls|revoke against a running agent', () => {
  let dataDir: string;
  let agent: AuthAgent;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'tf-tokens-'));
    agent = await startAuthAgent({}, dataDir);
  });
  afterAll(async () => {
    await agent.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('create prints the token once; only its hash is stored (0600); the running agent picks it up', async () => {
    const created = await cli(['token', 'create', '--name', 'ci', '--role', 'writer', '--expires-in', '30d', '--data-dir', dataDir]);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^tft_[0-9a-f]{12}_[\w-]{43}$/);
    expect(created.stderr).toMatch(/created API token [0-9a-f]{12} "ci" \(writer, expires 20\d\d-/);
    const file = path.join(dataDir, 'api-tokens.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = readFileSync(file, 'utf8');
    expect(stored).not.toContain(token.slice('tft_'.length + 13)); // the secret part (43 chars; it may contain '_')
    expect(JSON.parse(stored).tokens[0]).toMatchObject({ name: 'ci', role: 'writer', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await eventually(async () => (await agent.call('/api/auth/me', { token })).status, 200)).toBe(200);
    const me = await agent.call('/api/auth/me', { token });
    expect(me.body).toMatchObject({ id: `token:${token.slice(4, 16)}`, role: 'writer', via: 'auth-token', expiresAt: expect.any(String) });
    expect((await agent.call('/api/sessions', { method: 'POST', token, body: { command: ['true'] } })).status).toBe(201);
    expect((await agent.call('/api/tokens', { token })).status).toBe(403); // admin only
  });

  test('ls shows tokens without secrets; revoke by id takes effect in the running agent within a second', async () => {
    const token = (await cli(['token', 'create', '--name', 'laptop', '--role', 'viewer', '--data-dir', dataDir])).stdout.trim();
    const id = token.slice(4, 16);
    expect(await eventually(async () => (await agent.call('/api/sessions', { token })).status, 200)).toBe(200);
    const listed = await cli(['token', 'ls', '--json', '--data-dir', dataDir]);
    const tokens = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(tokens.find((t) => t.id === id)).toEqual({ id, name: 'laptop', role: 'viewer', createdAt: expect.any(String), expiresAt: null });
    expect(listed.stdout).not.toContain('hash');
    const table = await cli(['token', 'ls', '--data-dir', dataDir]);
    expect(table.stdout).toMatch(new RegExp(`^ID\\s+NAME\\s+ROLE\\s+CREATED\\s+EXPIRES\\n[\\s\\S]*${id}\\s+laptop\\s+viewer\\s+\\S+\\s+never`));

    expect((await cli(['token', 'revoke', id, '--data-dir', dataDir])).stdout).toBe(`revoked API token ${id}\n`);
    const revokedAt = Date.now();
    expect(await eventually(async () => (await agent.call('/api/sessions', { token })).status, 401)).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(1500);
    const again = await cli(['token', 'revoke', id, '--data-dir', dataDir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('no API token');
  });

  test('an expired token is refused with TF_ERR_TOKEN_EXPIRED; a forged secret for a real id with TF_ERR_BAD_TOKEN', async () => {
    const { token } = await new ApiTokenFile(dataDir).create({ name: 'old', role: 'admin', expiresAt: new Date(Date.now() - 1000) });
    await eventually(async () => (await agent.call('/api/sessions', { token })).status === 401 && (await agent.call('/api/sessions', { token })).body.error.code === 'TF_ERR_TOKEN_EXPIRED' ? 1 : 0, 1);
    const expired = await agent.call('/api/sessions', { token });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('TF_ERR_TOKEN_EXPIRED');
    const forged = `${token.slice(0, 17)}${'A'.repeat(43)}`;
    const refused = await agent.call('/api/sessions', { token: forged });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('TF_ERR_BAD_TOKEN');
  });

  test('the API (admin): create, list, revoke; bad input is a 400', async () => {
    const admin = (await agent.login(agent.adminPassword!)).body.token;
    const created = await agent.call('/api/tokens', { method: 'POST', token: admin, body: { name: 'desktop', role: 'writer', expiresIn: '12h' } });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(created.body).toEqual({ id: expect.any(String), name: 'desktop', role: 'writer', createdAt: expect.any(String), expiresAt: expect.any(String), token: expect.stringMatching(/^tft_/) });
    expect(Date.parse(created.body.expiresAt) - Date.parse(created.body.createdAt)).toBe(12 * 3600 * 1000);
    expect((await agent.call('/api/sessions', { token: created.body.token })).status).toBe(200);
    const list = (await agent.call('/api/tokens', { token: admin })).body.tokens as Record<string, unknown>[];
    expect(list.find((t) => t.id === created.body.id)).toEqual({ id: created.body.id, name: 'desktop', role: 'writer', createdAt: created.body.createdAt, expiresAt: created.body.expiresAt });
    expect(JSON.stringify(list)).not.toContain(created.body.token);
    expect((await agent.call(`/api/tokens/${created.body.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    expect((await agent.call('/api/sessions', { token: created.body.token })).status).toBe(401); // the API revokes at once
    expect((await agent.call(`/api/tokens/${created.body.id}`, { method: 'DELETE', token: admin })).status).toBe(404);
    for (const body of [{ name: 'x', role: 'root' }, { name: '', role: 'viewer' }, { name: 'x', role: 'viewer', expiresIn: 'forever' }]) {
      expect((await agent.call('/api/tokens', { method: 'POST', token: admin, body })).status).toBe(400);
    }
  });

  test('the API: two creates with one requestId (a double click) make one token and answer it twice', async () => {
    const admin = (await agent.login(agent.adminPassword!)).body.token;
    const body = { name: 'double', role: 'viewer', requestId: 'token-request-01' };
    const [a, b] = await Promise.all([
      agent.call('/api/tokens', { method: 'POST', token: admin, body }),
      agent.call('/api/tokens', { method: 'POST', token: admin, body }),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body).toEqual(a.body);
    const named = ((await agent.call('/api/tokens', { token: admin })).body.tokens as { name: string }[]).filter((t) => t.name === 'double');
    expect(named).toHaveLength(1);
    const other = await agent.call('/api/tokens', { method: 'POST', token: admin, body: { ...body, requestId: 'token-request-02' } });
    expect(other.body.id).not.toBe(a.body.id);
    expect((await agent.call('/api/tokens', { method: 'POST', token: admin, body: { ...body, requestId: 'short' } })).status).toBe(400);
  });

  test('create rejects a bad role or duration as a usage error (exit 2)', async () => {
    expect((await cli(['token', 'create', '--name', 'x', '--role', 'root', '--data-dir', dataDir])).code).toBe(2);
    expect((await cli(['token', 'create', '--name', 'x', '--role', 'viewer', '--expires-in', '5 years', '--data-dir', dataDir])).code).toBe(2);
    expect((await cli(['token', 'create', '--role', 'viewer', '--data-dir', dataDir])).code).toBe(2);
  });
});

describe('tunnelforge auth hash-password', () => {
  test('reads the password from stdin and prints a scrypt hash that verifies (and nothing else)', async () => {
    const stdin = new PassThrough() as PassThrough & CliInput;
    stdin.end('correct horse battery staple\n');
    const run = await cli(['auth', 'hash-password', '--cost', '14'], stdin);
    expect(run.code).toBe(0);
    const hash = run.stdout.trim();
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(run.stdout + run.stderr).not.toContain('correct horse');
    const parsed = parsePasswordHash(hash)!;
    expect(await verifyPassword('correct horse battery staple', parsed)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', parsed)).toBe(false);
  });

  test('on a terminal: prompts twice on stderr with no echo, refuses a mismatch', async () => {
    const terminal = (typed: string) => {
      const stream = new PassThrough() as PassThrough & CliInput;
      const modes: boolean[] = [];
      Object.assign(stream, { isTTY: true, setRawMode: (mode: boolean) => modes.push(mode) });
      // Typed once the prompt is up, as a person would (raw mode: keys arrive one by one, Enter is \r).
      setTimeout(() => stream.write(typed), 20);
      return { stream, modes };
    };
    const same = terminal('s3cret!\rs3cret!\r');
    const ok = await cli(['auth', 'hash-password', '--cost', '14'], same.stream);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe('Password: \nRepeat password: \n');
    expect(ok.stdout).not.toContain('s3cret');
    expect(await verifyPassword('s3cret!', parsePasswordHash(ok.stdout.trim())!)).toBe(true);
    expect(same.modes).toEqual([true, false]); // raw mode on for both prompts, then restored
    const different = terminal('one\rtwo\r');
    const refused = await cli(['auth', 'hash-password', '--cost', '14'], different.stream);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the passwords do not match');
    expect(refused.stdout).toBe('');
  });
});
