import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalEventBus } from '../../src/kernel/core/local-event-bus';
import { SystemClock } from '../../src/kernel/core/system-clock';
import { MemoryLogger } from '../../src/kernel/logger/memory-logger';
import { LoginShellResolver } from '../../src/sessions/login-shell-resolver';
import { PtySessionManager } from '../../src/sessions/pty-session-manager';
import { SessionsConfig } from '../../src/sessions/sessions-config';
import { specialKeyBytes } from '../../src/sessions/special-key-bytes';

// Sessions start as the user's own terminal would: a real bash reads the rc files of a temp HOME.
describe('sessions start like the user\'s terminal', () => {
  let home: string;
  const managers: PtySessionManager[] = [];
  /** The agent's own PATH (as a service has it): no rc file has run. */
  const AGENT_PATH = '/usr/local/bin:/usr/bin:/bin';

  /** An executable script `name` in `dir` that prints `output`. */
  function tool(dir: string, name: string, output: string): string {
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name);
    writeFileSync(file, `#!/bin/sh\necho ${output}\n`);
    chmodSync(file, 0o755);
    return file;
  }

  function manager(env: NodeJS.ProcessEnv): PtySessionManager {
    const log = new MemoryLogger({ level: 'silent' });
    const created = new PtySessionManager(SessionsConfig.parse({ mode: 'in-process' }), new LocalEventBus(log).forSource('t'), log, new SystemClock(), env);
    managers.push(created);
    return created;
  }

  beforeEach(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'tf-home-'));
  });
  afterEach(async () => {
    for (const created of managers.splice(0)) await created.dispose();
    rmSync(home, { recursive: true, force: true });
  });

  it('finds a tool that only ~/.bashrc puts on PATH (a non-login terminal reads only that), and runs it', async () => {
    const file = tool(path.join(home, 'rc-tools'), 'tf-rc-tool', 'hello-from-rc');
    writeFileSync(path.join(home, '.bashrc'), 'echo "welcome, rc files may print"\nexport PATH="$HOME/rc-tools:$PATH"\n');
    const sessions = manager({ HOME: home, SHELL: '/bin/bash', PATH: AGENT_PATH });
    const info = await sessions.create({ command: ['tf-rc-tool'], cwd: home });
    expect(info.command).toEqual([file]);
    await sessions.session(info.id)!.exited;
    expect(await sessions.screenText(info.id)).toContain('hello-from-rc');
  });

  it('finds a tool that only ~/.profile puts on PATH (a login shell)', async () => {
    const file = tool(path.join(home, 'profile-tools'), 'tf-profile-tool', 'x');
    writeFileSync(path.join(home, '.profile'), 'PATH="$HOME/profile-tools:$PATH"; export PATH\n');
    const resolver = new LoginShellResolver({ shell: () => '/bin/bash', env: { HOME: home, PATH: AGENT_PATH } });
    expect(await resolver.resolve('tf-profile-tool')).toBe(file);
  });

  it('still answers TF_ERR_COMMAND_NOT_FOUND for what the login shell does not know either', async () => {
    writeFileSync(path.join(home, '.bashrc'), 'alias tf-alias-only="echo no"\ntf_function_only() { :; }\n');
    const sessions = manager({ HOME: home, SHELL: '/bin/bash', PATH: AGENT_PATH });
    for (const name of ['tf-no-such-tool', 'tf-alias-only', 'tf_function_only']) {
      await expect(sessions.create({ command: [name], cwd: home })).rejects.toMatchObject({ status: 400, code: 'TF_ERR_COMMAND_NOT_FOUND' });
    }
  });

  it('passes the name as a parameter, never as shell text', async () => {
    const marker = path.join(home, 'pwned');
    const resolver = new LoginShellResolver({ shell: () => '/bin/bash', env: { HOME: home, PATH: AGENT_PATH } });
    // No slash in them (a name with one is a path, never looked up): `cd` goes to $HOME.
    for (const name of ['x; cd; touch pwned', '$(cd; touch pwned)', '`cd; touch pwned`', "x' ; cd; touch 'pwned", 'x"; cd; touch "pwned']) {
      expect(await resolver.resolve(name)).toBeNull();
    }
    expect(() => require('node:fs').statSync(marker)).toThrow();
  });

  it('caches answers, and gives up on a shell that hangs', async () => {
    const file = tool(path.join(home, 'rc-tools'), 'tf-cached', 'x');
    writeFileSync(path.join(home, '.bashrc'), 'export PATH="$HOME/rc-tools:$PATH"\n');
    let now = 0;
    const resolver = new LoginShellResolver({ shell: () => '/bin/bash', env: { HOME: home, PATH: AGENT_PATH }, ttlMs: 1000, now: () => now });
    expect(await resolver.resolve('tf-cached')).toBe(file);
    rmSync(file);
    expect(await resolver.resolve('tf-cached')).toBe(file); // from the cache
    now = 2000;
    expect(await resolver.resolve('tf-cached')).toBeNull(); // asked again

    writeFileSync(path.join(home, '.bashrc'), 'sleep 30\n');
    const slow = new LoginShellResolver({ shell: () => '/bin/bash', env: { HOME: home, PATH: AGENT_PATH }, timeoutMs: 300 });
    const started = Date.now();
    expect(await slow.resolve('tf-anything')).toBeNull();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('expands ~ and ~/x in cwd to the home directory', async () => {
    mkdirSync(path.join(home, 'project'));
    const sessions = manager({ HOME: home, SHELL: '/bin/sh', PATH: AGENT_PATH });
    expect((await sessions.create({ command: ['true'], cwd: '~' })).cwd).toBe(home);
    expect((await sessions.create({ command: ['true'], cwd: '~/project' })).cwd).toBe(path.join(home, 'project'));
    sessions.useDefaults(() => ({ cwd: '~/project' }));
    expect((await sessions.create({ command: ['true'] })).cwd).toBe(path.join(home, 'project'));
    await expect(sessions.create({ command: ['true'], cwd: '~/missing' })).rejects.toMatchObject({ code: 'TF_ERR_BAD_CWD' });
    await expect(sessions.create({ command: ['true'], cwd: '~other/x' })).rejects.toMatchObject({ code: 'TF_ERR_BAD_CWD' });
  });

  it('sends shift_tab, ctrl_enter and shift_enter as their bytes', async () => {
    expect(specialKeyBytes).toMatchObject({ shift_tab: '\x1b[Z', ctrl_enter: '\x1b[13;5u', shift_enter: '\x1b[13;2u' });
    const sessions = manager({ HOME: home, PATH: AGENT_PATH });
    // Raw mode, no echo: od shows exactly the bytes the keys wrote.
    const info = await sessions.create({ command: ['/bin/sh', '-c', 'stty raw -echo; head -c 17 | od -An -tx1 | tr -d " \\n"; echo; echo END'], cwd: home });
    await new Promise((resolve) => setTimeout(resolve, 300)); // stty has run
    for (const key of ['shift_tab', 'ctrl_enter', 'shift_enter'] as const) sessions.sendKey(info.id, key);
    await sessions.session(info.id)!.exited;
    const hex = Buffer.from('\x1b[Z\x1b[13;5u\x1b[13;2u').toString('hex');
    expect((await sessions.screenText(info.id)).replace(/\s/g, '')).toContain(hex);
  });
});
