import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import path from 'node:path';
import { SessionRecordingStopped } from 'tunnelforge/plugin';
import { startTestAgent, type TestAgent } from 'tunnelforge/testkit';
import { waitFor } from '../capabilities/support/wait-for';

// Recordings (asciicast v2) on real files, through the real agent and a real PTY.

type CastEvent = [number, string, string];
function parseCast(text: string): { header: Record<string, unknown>; events: CastEvent[] } {
  const [first, ...rest] = text.trim().split('\n');
  return { header: JSON.parse(first) as Record<string, unknown>, events: rest.map((line) => JSON.parse(line) as CastEvent) };
}


describe('session recordings', () => {
  let agent: TestAgent;
  let dataDir: string;
  const start = async (options: Record<string, unknown> = {}) => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'tf-rec-'));
    agent = await startTestAgent({ config: { dataDir, plugins: { 'core-sessions': { options: { mode: 'in-process', ...options } } } } });
  };
  afterEach(async () => {
    await agent?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('records output and resizes as asciicast v2, never input; downloadable by writers, not viewers', async () => {
    await start();
    const writer = agent.as('writer');
    // The program reads a "password" with echo off, then prints: the typed secret must not reach the file.
    const created = await writer.post('/api/sessions', { command: ['sh', '-c', 'stty -echo; echo "password:"; read pw; echo "héllo $((6*7))"; sleep 30'], cols: 90, rows: 20, record: true });
    expect(created.json.recording).toBe(true);
    const id = created.json.id as string;
    await waitFor(async () => (await writer.get(`/api/sessions/${id}/text`)).text.includes('password:'), 'the prompt (echo is off from then on)');
    await writer.post(`/api/sessions/${id}/input`, { text: 'hunter2-secret\r' });
    await waitFor(async () => (await writer.get(`/api/sessions/${id}/text`)).text.includes('héllo 42'), 'the output');
    await writer.post(`/api/sessions/${id}/resize`, { cols: 100, rows: 30 });
    const download = await writer.get(`/api/sessions/${id}/recording`);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toMatch(/^application\/x-asciicast/);
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename=".+\.cast"$/);
    const cast = parseCast(download.text);
    expect(cast.header).toMatchObject({ version: 2, width: 90, height: 20 });
    const output = cast.events.filter((e) => e[1] === 'o').map((e) => e[2]).join('');
    expect(output).toContain('héllo 42');
    expect(cast.events).toContainEqual([expect.any(Number), 'r', '100x30']);
    expect(download.text).not.toContain('hunter2');
    const times = cast.events.map((e) => e[0]);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect((await agent.as('viewer').get(`/api/sessions/${id}/recording`)).status).toBe(403);
  });

  it('a session without recording answers 404 TF_ERR_NO_RECORDING; recordByDefault records every new session', async () => {
    await start({ recordByDefault: true });
    const writer = agent.as('writer');
    const plain = await writer.post('/api/sessions', { command: ['sleep', '30'], record: false });
    expect(plain.json.recording).toBe(false);
    expect((await writer.get(`/api/sessions/${plain.json.id}/recording`)).json.error.code).toBe('TF_ERR_NO_RECORDING');
    const byDefault = await writer.post('/api/sessions', { command: ['sleep', '30'] });
    expect(byDefault.json.recording).toBe(true);
  });

  it('rotates at the size cap, keeping the previous part; removing the session deletes both', async () => {
    await start({ maxRecordingBytes: 64 * 1024 });
    const writer = agent.as('writer');
    const created = await writer.post('/api/sessions', { command: ['sh', '-c', 'i=0; while [ $i -lt 3000 ]; do echo "line $i of a recording that grows past its cap"; i=$((i+1)); done; sleep 30'], record: true });
    const id = created.json.id as string;
    await waitFor(async () => (await writer.get(`/api/sessions/${id}/text`)).text.includes('line 2999'), 'all lines');
    const file = path.join(dataDir, 'recordings', `${id}.cast`);
    const previous = path.join(dataDir, 'recordings', `${id}.1.cast`);
    expect(existsSync(previous)).toBe(true);
    const current = await writer.get(`/api/sessions/${id}/recording`);
    const older = await writer.get(`/api/sessions/${id}/recording?part=previous`);
    for (const part of [current.text, older.text]) {
      expect(Buffer.byteLength(part)).toBeLessThanOrEqual(64 * 1024);
      expect(parseCast(part).header).toMatchObject({ version: 2 }); // each part is a valid recording
    }
    expect(current.text).toContain('line 2999');
    await writer.delete(`/api/sessions/${id}`);
    await waitFor(async () => (await writer.get(`/api/sessions/${id}`)).json.state === 'exited', 'the kill');
    await writer.delete(`/api/sessions/${id}`);
    expect([existsSync(file), existsSync(previous)]).toEqual([false, false]);
  });

  it('a recording that cannot be written stops with an event and a log line; the session goes on', async () => {
    await start();
    writeFileSync(path.join(dataDir, 'recordings'), 'not a directory'); // every write into it fails
    const writer = agent.as('writer');
    const created = await writer.post('/api/sessions', { command: ['sh', '-c', 'echo still-running; sleep 30'], record: true });
    const stopped = await agent.waitForEvent(SessionRecordingStopped, (event) => event.data.id === created.json.id);
    expect(stopped.data.reason).toMatch(/ENOTDIR|EEXIST|not a directory/i);
    await waitFor(async () => (await writer.get(`/api/sessions/${created.json.id}/text`)).text.includes('still-running'), 'the session output');
    const info = (await writer.get(`/api/sessions/${created.json.id}`)).json;
    expect(info).toMatchObject({ state: 'running', recording: false });
    expect(agent.logs.some((entry) => entry.msg === 'recording stopped; the session goes on')).toBe(true);
  });
});
