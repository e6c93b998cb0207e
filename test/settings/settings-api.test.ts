import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SettingsChanged } from 'tunnelforge/plugin';
import { startTestAgent, type TestAgent } from 'tunnelforge/testkit';

/** Poll an async condition (the policy is applied through the power controller's queue). */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// The real agent (every built-in plugin, real HTTP on loopback, real PTYs, real files).
describe('GET/PATCH /api/settings', () => {
  let dataDir: string;
  let workDir: string;
  let agent: TestAgent;
  const settingsFile = () => path.join(dataDir, 'settings.json');

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'tf-settings-'));
    workDir = mkdtempSync(path.join(os.tmpdir(), 'tf-settings-cwd-'));
    agent = await startTestAgent({ config: { dataDir } });
  });
  afterAll(async () => {
    await agent.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  });

  it('answers the sections with their defaults to writers and admins, and refuses viewers', async () => {
    expect((await agent.as('viewer').get('/api/settings')).status).toBe(403);
    expect((await agent.anonymous().get('/api/settings')).status).toBe(401);
    const reply = await agent.as('writer').get('/api/settings');
    expect(reply.status).toBe(200);
    expect(reply.json.settings).toEqual({ power: {}, sessions: { quickStart: [] }, tunnels: {} });
    expect(reply.json.sections.map((s: { key: string }) => s.key)).toEqual(['power', 'sessions', 'tunnels']);
  });

  it('lets only admins change settings; a change is written with mode 0600 and announced as settings.changed', async () => {
    const quickStart = [{ name: 'top', command: ['top'] }, { name: 'logs', command: ['tail', '-f', '/var/log/syslog'], cwd: '~/' }];
    expect((await agent.as('writer').patch('/api/settings', { sessions: { quickStart } })).status).toBe(403);
    const reply = await agent.as('admin').patch('/api/settings', { sessions: { quickStart } });
    expect(reply.status).toBe(200);
    expect(reply.json.settings.sessions).toEqual({ quickStart });
    const event = await agent.waitForEvent(SettingsChanged);
    expect(event.data).toMatchObject({ sections: ['sessions'], by: { role: 'admin' } });
    expect((event.data.values as { sessions: unknown }).sessions).toEqual({ quickStart });
    expect(statSync(settingsFile()).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(settingsFile(), 'utf8'))).toEqual({ version: 1, sections: { sessions: { quickStart } } });
  });

  it('refuses bad input with 400 TF_ERR_BAD_SETTINGS naming each field, and keeps the old settings', async () => {
    const before = readFileSync(settingsFile(), 'utf8');
    const events = agent.events.filter((e) => e.type === 'settings.changed').length;
    const cases: Array<[unknown, string]> = [
      [{ nope: { a: 1 } }, 'nope'],
      [{ sessions: 'x' }, 'sessions'],
      [{ sessions: { quickStart: [{ name: '', command: ['x'] }] } }, 'sessions.quickStart.0.name'],
      [{ sessions: { quickStart: [{ name: 'a', command: [] }] } }, 'sessions.quickStart.0.command'],
      [{ sessions: { quickStart: [{ name: 'a', command: ['x'] }, { name: 'a', command: ['y'] }] } }, 'sessions.quickStart'],
      [{ sessions: { cwd: 'relative/dir' } }, 'sessions.cwd'],
      [{ sessions: { cols: 0 } }, 'sessions.cols'],
      [{ sessions: { typo: 1 } }, 'sessions'],
      [{ power: { policy: 'sometimes' } }, 'power.policy'],
      // One valid section next to an invalid one: nothing is applied.
      [{ tunnels: { autostart: ['cloudflare'] }, power: { policy: 42 } }, 'power.policy'],
    ];
    for (const [body, field] of cases) {
      const reply = await agent.as('admin').patch('/api/settings', body);
      expect(reply.status).toBe(400);
      expect(reply.json.error.code).toBe('TF_ERR_BAD_SETTINGS');
      expect(reply.json.error.message).toContain(field);
      expect(reply.json.error.details.map((d: { path: string }) => d.path)).toContain(field);
    }
    expect(readFileSync(settingsFile(), 'utf8')).toBe(before);
    expect(agent.events.filter((e) => e.type === 'settings.changed').length).toBe(events);
    expect((await agent.as('admin').get('/api/settings')).json.settings.tunnels).toEqual({});
  });

  it('serializes concurrent PATCHes: fields of both survive', async () => {
    const replies = await Promise.all([
      agent.as('admin').patch('/api/settings', { sessions: { cols: 101 } }),
      agent.as('admin').patch('/api/settings', { sessions: { rows: 31 } }),
      agent.as('admin').patch('/api/settings', { sessions: { cwd: workDir } }),
    ]);
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    const { settings } = (await agent.as('writer').get('/api/settings')).json;
    expect(settings.sessions).toMatchObject({ cols: 101, rows: 31, cwd: workDir });
    expect(JSON.parse(readFileSync(settingsFile(), 'utf8')).sections.sessions).toMatchObject({ cols: 101, rows: 31, cwd: workDir });
  });

  it('applies session defaults to a create request that leaves them out, and not over what it says', async () => {
    await agent.as('admin').patch('/api/settings', { sessions: { command: ['cat'] } });
    const created = await agent.as('writer').post('/api/sessions', {});
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ cwd: workDir, cols: 101, rows: 31 });
    expect(created.json.command[0]).toMatch(/\/cat$/);
    const explicit = await agent.as('writer').post('/api/sessions', { command: ['sleep', '30'], cwd: os.tmpdir(), cols: 90, rows: 20 });
    expect(explicit.json).toMatchObject({ cwd: path.resolve(os.tmpdir()), cols: 90, rows: 20 });
    expect(explicit.json.command[0]).toMatch(/\/sleep$/);
    // null resets a field: the default shell and 80x24 again.
    await agent.as('admin').patch('/api/settings', { sessions: { command: null, cols: null, rows: null } });
    const reset = await agent.as('writer').post('/api/sessions', {});
    expect(reset.json).toMatchObject({ cols: 80, rows: 24, cwd: workDir });
  });

  it('applies the power policy at once, and null goes back to the config file', async () => {
    expect((await agent.as('viewer').get('/api/power')).json.policy).toBe('while-sessions');
    await agent.as('admin').patch('/api/settings', { power: { policy: 'never' } });
    await eventually(async () => (await agent.as('viewer').get('/api/power')).json.policy === 'never', 'policy never');
    expect((await agent.as('viewer').get('/api/power')).json.reasons.filter((r: string) => r.startsWith('policy'))).toEqual([]);
    await agent.as('admin').patch('/api/settings', { power: { policy: 'always' } });
    await eventually(async () => (await agent.as('viewer').get('/api/power')).json.reasons.includes('policy always'), 'the always hold');
    await agent.as('admin').patch('/api/settings', { power: { policy: null } });
    await eventually(async () => (await agent.as('viewer').get('/api/power')).json.policy === 'while-sessions', 'policy from config');
    expect((await agent.as('viewer').get('/api/power')).json.reasons).not.toContain('policy always');
  });

  it('keeps the settings across a restart of the agent', async () => {
    await agent.as('admin').patch('/api/settings', { power: { policy: 'never' }, tunnels: { autostart: [] } });
    const before = (await agent.as('writer').get('/api/settings')).json.settings;
    await agent.stop();
    agent = await startTestAgent({ config: { dataDir } });
    expect((await agent.as('writer').get('/api/settings')).json.settings).toEqual(before);
    expect((await agent.as('viewer').get('/api/power')).json.policy).toBe('never');
    const created = await agent.as('writer').post('/api/sessions', { command: ['cat'] });
    expect(created.json).toMatchObject({ cwd: workDir });
  });
});

describe('a settings.json that cannot be read', () => {
  let dataDir: string;
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is not valid JSON: the settings plugin fails with the reason, the file is left as it is, the agent runs on its config', async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'tf-settings-bad-'));
    writeFileSync(path.join(dataDir, 'settings.json'), '{"version": 1, "sections": {');
    const agent = await startTestAgent({ config: { dataDir } });
    try {
      expect(agent.plugin('settings')).toMatchObject({ state: 'failed', reason: expect.stringContaining('settings.json is not valid JSON; fix or delete it') });
      expect((await agent.as('admin').get('/api/settings')).status).toBe(404);
      expect((await agent.as('viewer').get('/api/power')).json.policy).toBe('while-sessions');
      expect((await agent.as('writer').post('/api/sessions', { command: ['cat'] })).status).toBe(201);
      expect(readFileSync(path.join(dataDir, 'settings.json'), 'utf8')).toBe('{"version": 1, "sections": {');
    } finally {
      await agent.stop();
    }
  });

  it('holds an invalid value for one section: that section runs on its defaults, the others keep theirs', async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'tf-settings-bad-'));
    writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ version: 1, sections: { power: { policy: 'sometimes' }, sessions: { cols: 120 } } }));
    const agent = await startTestAgent({ config: { dataDir } });
    try {
      const { settings } = (await agent.as('writer').get('/api/settings')).json;
      expect(settings).toMatchObject({ power: {}, sessions: { cols: 120 } });
      expect(agent.logs.find((entry) => entry.msg.startsWith('stored settings are invalid'))?.fields).toMatchObject({ section: 'power', issues: [expect.stringContaining('power.policy')] });
    } finally {
      await agent.stop();
    }
  });
});
