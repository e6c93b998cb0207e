import type { AgentEvent, FinishedCommand, SessionInfo } from '../../src/plugin-api';
import { ProcForegroundProbe } from '../../src/sessions/foreground-probe';
import { BASH, createSessionsHarness } from '../helpers/sessions-harness';
import { waitFor } from '../helpers/wait-for';

type StateEvent = AgentEvent<Omit<SessionInfo, 'command'> & { count?: number; command: unknown }>;

/** bash with shell integration marks: PS0 says "executing" (C), PROMPT_COMMAND "finished with $?" (D), then "prompt" (A). */
const MARKED_ENV = {
  PS0: '\\e]133;C\\a',
  PROMPT_COMMAND: 'printf "\\e]133;D;%s\\a\\e]133;A\\a" $?',
  PS1: '$ ',
};

describe('session state: title, bell, activity, finished commands (real shells)', () => {
  const h = createSessionsHarness({
    exitedRetentionMs: 0, killGraceMs: 300, activityWindowMs: 400, bellIntervalMs: 300, commandMinDurationMs: 1000, foregroundPollMs: 150,
  });
  h.manager.useForegroundProbe(new ProcForegroundProbe());
  const events: StateEvent[] = [];
  h.events.subscribe('session.*', (event) => events.push(event as StateEvent));
  const of = (id: string, type: string) => events.filter((e) => e.type === type && e.data.id === id);
  afterAll(() => h.dispose());

  async function run(script: string): Promise<SessionInfo> {
    const info = await h.manager.create({ command: [...BASH, '-c', script], cwd: '/' });
    await h.manager.session(info.id)!.exited;
    return info;
  }

  it("printf '\\e]0;build\\a' sets the title and emits exactly one session.title, and no bell", async () => {
    const { id } = await run("printf '\\e]0;build\\a'; printf 'after\\n'");
    expect(h.manager.get(id)!.title).toBe('build');
    expect(of(id, 'session.title').map((e) => e.data.title)).toEqual(['build']);
    expect(of(id, 'session.bell')).toEqual([]);
  });

  it('a title changed 500 times in a burst publishes a few events, the last one with the final title', async () => {
    const { id } = await run("for i in $(seq 500); do printf '\\e]0;step %d\\a' $i; done; sleep 0.4");
    await waitFor(() => of(id, 'session.title').at(-1)?.data.title === 'step 500', 'the final title');
    expect(of(id, 'session.title').length).toBeLessThanOrEqual(4);
    expect(h.manager.get(id)!.title).toBe('step 500');
  });

  it("printf '\\a' emits one session.bell with count 1", async () => {
    const { id } = await run("printf 'x\\a'; sleep 0.05");
    await waitFor(() => of(id, 'session.bell').length === 1, 'the bell');
    expect(of(id, 'session.bell')[0].data.count).toBe(1);
  });

  it('a flood of 1000 bells is debounced into few events whose counts add up to 1000', async () => {
    const { id } = await run("for i in $(seq 1000); do printf '\\a'; done");
    await waitFor(() => of(id, 'session.bell').reduce((sum, e) => sum + (e.data.count ?? 0), 0) === 1000, 'all bells counted', 5000);
    const bells = of(id, 'session.bell');
    expect(bells.length).toBeLessThanOrEqual(3);
    expect(bells[0].data.count).toBe(1); // leading edge: the first bell is told at once
  });

  it('a megabyte title is dropped whole, a long one capped, control characters removed', async () => {
    const { id } = await run("printf '\\e]0;'; head -c 1048576 /dev/zero | tr '\\0' a; printf '\\a'; printf '\\e]2;ok\\tgo\\001!\\a'");
    expect(h.manager.get(id)!.title).toBe('okgo!');
    expect(of(id, 'session.title').map((e) => e.data.title)).toEqual(['okgo!']);
    expect(of(id, 'session.bell')).toEqual([]); // the BEL ending the dropped OSC is no bell
    const long = await run("printf '\\e]0;%s\\a' \"$(head -c 1000 /dev/zero | tr '\\0' b)\"");
    expect(h.manager.get(long.id)!.title).toBe('b'.repeat(256));
  });

  it('goes active on output and idle after the activity window, with one event each', async () => {
    const info = await h.manager.create({ command: [...BASH, '-c', 'echo hi; sleep 3'], cwd: '/' });
    await waitFor(() => of(info.id, 'session.activity').length >= 1, 'active');
    expect(of(info.id, 'session.activity')[0].data.active).toBe(true);
    expect(h.manager.get(info.id)!.lastOutputAt).not.toBeNull();
    await waitFor(() => of(info.id, 'session.activity').length >= 2, 'idle', 3000);
    const [active, idle] = of(info.id, 'session.activity');
    expect(idle.data.active).toBe(false);
    expect(Date.parse(idle.time) - Date.parse(active.time)).toBeGreaterThanOrEqual(390);
    expect(h.manager.get(info.id)!.active).toBe(false);
    await h.manager.kill(info.id);
  });

  it('`sleep 2; false` in bash with OSC 133 marks: command-finished with exit code 1 and ≥ 2 s', async () => {
    const info = await h.manager.create({ command: [...BASH, '-i'], cwd: '/', env: MARKED_ENV });
    await waitFor(() => h.manager.session(info.id)!.ring.end > 0, 'the prompt');
    h.manager.write(info.id, 'true\r'); // short: lastCommand, but no event (under commandMinDurationMs)
    await waitFor(() => h.manager.get(info.id)!.lastCommand?.exitCode === 0, 'the short command');
    h.manager.write(info.id, 'sleep 2; false\r');
    await waitFor(() => of(info.id, 'session.command-finished').length === 1, 'command-finished', 8000);
    const command = of(info.id, 'session.command-finished')[0].data.command as FinishedCommand;
    expect(command).toMatchObject({ exitCode: 1, source: 'osc133' });
    expect(command.durationMs).toBeGreaterThanOrEqual(2000);
    expect(h.manager.get(info.id)!.lastCommand).toEqual(command);
    await h.manager.kill(info.id);
  });

  it('`sleep 2; false` without marks: command-finished when the foreground returns to the shell', async () => {
    const info = await h.manager.create({ command: [...BASH, '-i'], cwd: '/', env: { PS1: '$ ' } });
    await waitFor(() => h.manager.get(info.id)!.foreground === 'bash', 'the shell in front');
    h.manager.write(info.id, 'sleep 2; false\r');
    await waitFor(() => h.manager.get(info.id)!.foreground === 'sleep', 'sleep in front', 3000);
    await waitFor(() => of(info.id, 'session.command-finished').length === 1, 'command-finished', 8000);
    const command = of(info.id, 'session.command-finished')[0].data.command as FinishedCommand;
    expect(command).toMatchObject({ exitCode: null, source: 'foreground', command: 'sleep' });
    expect(command.durationMs).toBeGreaterThanOrEqual(2000);
    expect(h.manager.get(info.id)!.foreground).toBe('bash');
    await h.manager.kill(info.id);
  });
});
