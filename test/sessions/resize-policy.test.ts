import { ProtocolCodec } from '@tunnelforge/client';
import { createSessionsHarness } from '../helpers/sessions-harness';
import { TerminalClient } from '../helpers/terminal-client';
import { waitFor } from '../helpers/wait-for';

/** The multi-client resize policy over the protocol handler (docs/protocol.md §5). */
describe('resize policy: the most recently active writer sets the size', () => {
  const h = createSessionsHarness({ exitedRetentionMs: 0 });
  const clients: TerminalClient[] = [];
  afterAll(async () => {
    for (const client of clients) client.dispose();
    await h.dispose();
  });

  async function attach(sessionId: string, size?: { cols: number; rows: number }, role: 'writer' | 'viewer' = 'writer'): Promise<TerminalClient> {
    const client = new TerminalClient(h.connect({ id: `${role}-${clients.length}`, role, via: 'test' }));
    clients.push(client);
    h.send(client.connection, ProtocolCodec.attach({ sessionId, ...size }));
    await waitFor(() => client.connection.ofType('attached').length === 1, 'ATTACHED');
    return client;
  }
  const sizeOf = (id: string) => ({ cols: h.manager.get(id)!.cols, rows: h.manager.get(id)!.rows });

  it('lets the last writer to attach or type set the size, ignores the others, and restores on detach', async () => {
    const { id } = await h.manager.create({ command: ['/bin/cat'], cwd: '/' });
    const desk = await attach(id, { cols: 120, rows: 40 });
    expect(sizeOf(id)).toEqual({ cols: 120, rows: 40 });
    const phone = await attach(id, { cols: 40, rows: 20 });
    expect(sizeOf(id)).toEqual({ cols: 40, rows: 20 });
    await waitFor(() => desk.connection.ofType('resized').some((m) => m.cols === 40), 'desk told of the phone size');

    // The desk window is resized while the phone is the active writer: remembered, not applied.
    h.send(desk.connection, ProtocolCodec.resize(130, 45));
    expect(sizeOf(id)).toEqual({ cols: 40, rows: 20 });
    expect(desk.connection.ofType('error')).toEqual([]);

    // The desk types: it becomes the active writer, its size applies before its keys reach the PTY.
    h.send(desk.connection, ProtocolCodec.input('x'));
    expect(sizeOf(id)).toEqual({ cols: 130, rows: 45 });
    await waitFor(() => phone.connection.ofType('resized').some((m) => m.cols === 130 && m.rows === 45), 'phone adapts');

    // The phone re-fits (its keyboard opened): ignored. It types: its size comes back.
    h.send(phone.connection, ProtocolCodec.resize(40, 12));
    expect(sizeOf(id)).toEqual({ cols: 130, rows: 45 });
    h.send(phone.connection, ProtocolCodec.input('y'));
    expect(sizeOf(id)).toEqual({ cols: 40, rows: 12 });

    // The phone leaves: the desk's size comes back (no terminal left shrunk by a device that is gone).
    phone.connection.close();
    expect(sizeOf(id)).toEqual({ cols: 130, rows: 45 });
    await waitFor(() => desk.connection.ofType('resized').at(-1)?.cols === 130, 'desk sees its size again');
  });

  it("never applies a viewer's size, and a writer that never sent one does not take over", async () => {
    const { id } = await h.manager.create({ command: ['/bin/cat'], cwd: '/', cols: 100, rows: 30 });
    const desk = await attach(id, { cols: 110, rows: 35 });
    const viewer = await attach(id, { cols: 20, rows: 5 }, 'viewer');
    expect(sizeOf(id)).toEqual({ cols: 110, rows: 35 });
    const script = await attach(id);
    h.send(script.connection, ProtocolCodec.input('z'));
    expect(sizeOf(id)).toEqual({ cols: 110, rows: 35 });
    h.send(desk.connection, ProtocolCodec.resize(90, 25)); // still the active writer
    expect(sizeOf(id)).toEqual({ cols: 90, rows: 25 });
    await waitFor(() => viewer.connection.ofType('resized').some((m) => m.cols === 90 && m.rows === 25), 'viewer adapts');
  });

  it('still validates every RESIZE, applied or not', async () => {
    const { id } = await h.manager.create({ command: ['/bin/cat'], cwd: '/' });
    await attach(id, { cols: 100, rows: 30 });
    const other = await attach(id, { cols: 80, rows: 24 });
    await attach(id, { cols: 90, rows: 24 });
    h.send(other.connection, ProtocolCodec.resize(0, 0));
    expect(other.connection.ofType('error').at(-1)?.code).toBe('TF_ERR_BAD_SIZE');
    await h.manager.kill(id);
    h.send(other.connection, ProtocolCodec.resize(80, 24));
    expect(other.connection.ofType('error').at(-1)?.code).toBe('TF_ERR_SESSION_EXITED');
  });
});
