import { ProtocolCodec } from '@tunnelforge/client';
import { BASH, createSessionsHarness } from '../helpers/sessions-harness';
import { waitFor } from '../helpers/wait-for';

const BUDGET = 2048;

describe('WATCH previews: the per-connection byte budget and the socket backlog (real shells)', () => {
  const h = createSessionsHarness({ previewIntervalMs: 100, previewBytesPerSecond: BUDGET, exitedRetentionMs: 0, killGraceMs: 300 });
  afterAll(() => h.dispose());

  it('keeps previews within the budget, sharing it round-robin so every session gets its turn', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      // A full screen of changing text, new every 50 ms: unthrottled, 4 sessions would take ~30 KB/s of previews.
      ids.push((await h.manager.create({ command: [...BASH, '-c', `while :; do seq -f "session ${i} %g $RANDOM$RANDOM$RANDOM" 1 30; sleep 0.05; done`], cwd: '/' })).id);
    }
    await waitFor(() => ids.every((id) => h.manager.session(id)!.ring.end > 2000), 'output everywhere');
    const connection = h.connect();
    const started = Date.now();
    h.send(connection, ProtocolCodec.watch({ all: true }));
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const elapsed = (Date.now() - started) / 1000;
    const previews = connection.messages.filter((m) => m.type === 'preview');
    // The frames' sizes as sent: the decoded frame re-encoded without the decoder's `type`.
    const sizes = previews.map((m) => {
      const { type: _type, ...preview } = m as Extract<typeof m, { type: 'preview' }>;
      return ProtocolCodec.preview(preview).length;
    });
    const bytes = sizes.reduce((sum, size) => sum + size, 0);
    const largest = Math.max(...sizes);
    expect(largest).toBeGreaterThan(500);
    // The interval alone would allow 10 per second per session; the budget allows a fraction of that.
    expect(previews.length).toBeLessThan((4 * elapsed * 10) / 3);
    // The bucket starts full (one second's worth) and may go below zero by one preview.
    expect(bytes).toBeLessThanOrEqual(BUDGET * (elapsed + 1) + largest);
    expect(new Set(previews.map((m) => (m as { sessionId: string }).sessionId))).toEqual(new Set(ids));
    h.send(connection, ProtocolCodec.unwatch());
    const after = connection.messages.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(connection.messages.slice(after).filter((m) => m.type === 'preview')).toEqual([]);
    connection.close();
    for (const id of ids) await h.manager.remove(id);
  });

  it('sends no previews to a socket with a backlog, state events still; they resume once it drains', async () => {
    const id = (await h.manager.create({ command: [...BASH, '-c', "while :; do echo tick $RANDOM; sleep 0.05; done"], cwd: '/' })).id;
    const connection = h.connect();
    h.send(connection, ProtocolCodec.watch({ sessionIds: [id] }));
    await waitFor(() => connection.messages.some((m) => m.type === 'preview'), 'a first preview');
    connection.stalled = true;
    connection.bufferedAmount = 300 * 1024; // as a socket that stopped reading
    const before = connection.messages.length;
    await new Promise((resolve) => setTimeout(resolve, 600));
    h.manager.rename(id, 'renamed while stalled');
    connection.release();
    const delivered = connection.messages.slice(before);
    expect(delivered.filter((m) => m.type === 'preview')).toEqual([]);
    expect(delivered.filter((m) => m.type === 'session-event').map((m) => (m as { event: { type: string } }).event.type)).toContain('session.renamed');
    connection.stalled = false;
    const drained = connection.messages.length;
    await waitFor(() => connection.messages.slice(drained).some((m) => m.type === 'preview'), 'previews again');
    connection.close();
    await h.manager.remove(id);
  });
});
