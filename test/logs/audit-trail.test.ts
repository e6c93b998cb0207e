import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { definePlugin, TunnelProvider, type AuditEntry, type TunnelStatus } from 'tunnelforge/plugin';
import { startTestAgent, type TestAgent } from 'tunnelforge/testkit';
import { runCli } from '../../src/cli/main';
import { captureIo } from '../cli/capture-io';
import { waitFor } from '../capabilities/support/wait-for';


/** A tunnel provider that needs no tool: the edge a tunnel test cannot have here (the tunnels API is real). */
const inertTunnel = definePlugin({
  id: 'inert-tunnel',
  apiVersion: 1,
  provides: [TunnelProvider],
  register(reg) {
    reg.provide(TunnelProvider, {
      create: () => {
        let status: TunnelStatus = { id: 'inert', state: 'down', publicUrl: null, error: null, startedAt: null };
        return {
          id: 'inert',
          start: async () => (status = { ...status, state: 'up', publicUrl: 'https://inert.example.com', startedAt: new Date().toISOString() }),
          stop: async () => void (status = { ...status, state: 'down', publicUrl: null, startedAt: null }),
          status: () => status,
          onStatus: () => ({ dispose: () => undefined }),
        };
      },
    });
  },
});


describe('the audit trail records security actions with their principal', () => {
  let dataDir: string;
  let filesRoot: string;
  let agent: TestAgent;
  let password: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'tf-audit-'));
    filesRoot = mkdtempSync(path.join(os.tmpdir(), 'tf-audit-files-'));
    agent = await startTestAgent({ plugins: [inertTunnel], config: { dataDir, plugins: { files: { options: { roots: [filesRoot] } } } } as never });
    password = readFileSync(path.join(dataDir, 'initial-admin-password'), 'utf8').trim();
  });
  afterAll(async () => {
    await agent.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(filesRoot, { recursive: true, force: true });
  });

  const entries = async (): Promise<AuditEntry[]> => {
    const reply = await agent.as('admin').get('/api/logs/audit', { query: { limit: '1000' } });
    expect(reply.status).toBe(200);
    return reply.json.entries as AuditEntry[];
  };
  const find = async (action: string, predicate: (e: AuditEntry) => boolean = () => true) => {
    let found: AuditEntry | undefined;
    await waitFor(async () => (found = (await entries()).find((e) => e.action === action && predicate(e))) !== undefined, `audit entry ${action}`);
    return found!;
  };

  test('login success and failure, with the user and the address; never the password', async () => {
    expect((await agent.anonymous().post('/api/auth/login', { password: 'wrong-password' })).status).toBe(401);
    const login = await agent.anonymous().post('/api/auth/login', { password });
    expect(login.status).toBe(200);
    expect(await find('auth.login', (e) => e.outcome === 'failure')).toMatchObject({ by: null, target: 'admin', address: '127.0.0.1' });
    expect(await find('auth.login', (e) => e.outcome === 'success')).toMatchObject({ by: { id: 'admin', role: 'admin', via: 'auth-password' }, target: 'admin', address: '127.0.0.1' });
    expect((await agent.withToken(login.json.token).post('/api/auth/logout')).status).toBe(204);
    expect(await find('auth.logout')).toMatchObject({ by: { id: 'admin', role: 'admin', via: 'auth-jwt' } });
    const file = readFileSync(path.join(dataDir, 'logs', 'audit.log'), 'utf8');
    expect(file).not.toContain(password);
    expect(file).not.toContain('wrong-password');
  });

  test('API token create and revoke, share create and revoke, session create and kill', async () => {
    const admin = agent.as('admin');
    const adminId = (await admin.get('/api/auth/me')).json.id as string;
    const created = await admin.post('/api/tokens', { name: 'ci', role: 'viewer' });
    await admin.delete(`/api/tokens/${created.json.id}`);
    expect(await find('token.create', (e) => e.target === created.json.id)).toMatchObject({ by: { id: adminId, role: 'admin', via: 'auth-token' }, details: { name: 'ci', role: 'viewer' } });
    expect(await find('token.revoke', (e) => e.target === created.json.id)).toMatchObject({ by: { id: adminId, role: 'admin' } });

    const writer = agent.as('writer');
    const writerId = (await writer.get('/api/auth/me')).json.id as string;
    const session = (await writer.post('/api/sessions', { command: ['/bin/sh'] })).json;
    const share = (await writer.post(`/api/sessions/${session.id}/share`, {})).json;
    await writer.delete(`/api/shares/${share.id}`);
    await writer.delete(`/api/sessions/${session.id}`);
    expect(await find('session.create', (e) => e.target === session.id)).toMatchObject({ by: { id: writerId, role: 'writer', via: 'auth-token' }, details: { command: '/bin/sh' } });
    expect(await find('share.create', (e) => e.target === share.id)).toMatchObject({ by: { id: writerId, role: 'writer' }, details: { sessionId: session.id } });
    expect(await find('share.revoke', (e) => e.target === share.id)).toMatchObject({ by: { id: writerId } });
    expect(await find('session.kill', (e) => e.target === session.id)).toMatchObject({ by: { id: writerId, role: 'writer' } });
  });

  test('tunnel start and stop', async () => {
    const admin = agent.as('admin');
    expect((await admin.post('/api/tunnels/inert/start')).status).toBe(200);
    expect((await admin.post('/api/tunnels/inert/stop')).status).toBe(200);
    expect(await find('tunnel.start', (e) => e.target === 'inert')).toMatchObject({ outcome: 'success', by: { role: 'admin' }, details: { publicUrl: 'https://inert.example.com' } });
    expect(await find('tunnel.stop', (e) => e.target === 'inert')).toMatchObject({ by: { role: 'admin' } });
  });

  test('file changes: mkdir, rename and delete, with the writer who made them', async () => {
    const writer = agent.as('writer');
    const made = path.join(filesRoot, 'made');
    expect((await writer.post('/api/files/mkdir', { path: made })).status).toBe(201);
    expect((await writer.post('/api/files/rename', { from: made, to: `${made}-2` })).status).toBe(200);
    expect((await writer.delete('/api/files', { query: { path: `${made}-2` } })).status).toBe(204);
    const by = expect.objectContaining({ role: 'writer' });
    expect(await find('files.directory-created')).toMatchObject({ outcome: 'success', by, target: made });
    expect(await find('files.renamed')).toMatchObject({ by, target: `${made}-2`, details: { from: made } });
    expect(await find('files.deleted')).toMatchObject({ by, target: `${made}-2`, details: { type: 'directory' } });
  });

  test('GET /api/logs/audit is for admins only', async () => {
    expect((await agent.as('writer').get('/api/logs/audit')).status).toBe(403);
    expect((await agent.anonymous().get('/api/logs/audit')).status).toBe(401);
  });
});

describe('a failing disk never stops an action', () => {
  test('audit.log on /dev/full: logins still work, the failure is logged once', async () => {
    if (process.platform !== 'linux') return;
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tf-audit-full-'));
    mkdirSync(path.join(dataDir, 'logs'), { mode: 0o700 });
    symlinkSync('/dev/full', path.join(dataDir, 'logs', 'audit.log'));
    const agent = await startTestAgent({ config: { dataDir } });
    try {
      const password = readFileSync(path.join(dataDir, 'initial-admin-password'), 'utf8').trim();
      for (let i = 0; i < 3; i++) expect((await agent.anonymous().post('/api/auth/login', { password })).status).toBe(200);
      await waitFor(() => agent.logs.some((l) => l.msg.startsWith('cannot write the audit trail')), 'the audit failure in the log');
      expect(agent.logs.filter((l) => l.msg.startsWith('cannot write the audit trail'))).toHaveLength(1);
      expect(agent.plugin('audit-log').state).toBe('active');
    } finally {
      await agent.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the command line records its token actions too', () => {
  test('tunnelforge token create and revoke append token.create and token.revoke as cli:<user>', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tf-audit-cli-'));
    try {
      const created = captureIo(dataDir);
      expect(await runCli(['token', 'create', '--name', 'ci', '--role', 'viewer', '--json', '--data-dir', dataDir], created.io)).toBe(0);
      const id = JSON.parse(created.stdout()).id as string;
      expect(await runCli(['token', 'revoke', id, '--data-dir', dataDir], captureIo(dataDir).io)).toBe(0);
      const lines = readFileSync(path.join(dataDir, 'logs', 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditEntry);
      const by = { id: `cli:${os.userInfo().username}`, role: 'admin', via: 'cli' };
      expect(lines).toEqual([
        expect.objectContaining({ action: 'token.create', outcome: 'success', by, target: id, details: { name: 'ci', role: 'viewer', expiresAt: null } }),
        expect.objectContaining({ action: 'token.revoke', outcome: 'success', by, target: id }),
      ]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
